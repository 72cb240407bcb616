using System.Reflection;
using ChatBedrock.Application;
using ChatBedrock.Http;

namespace ChatBedrock.Architecture.Tests;

/// <summary>
/// The HTTP surface runs every operation through an Application use case: no type of it holds, takes or
/// returns a port (a store or a model), and no source file of it names one.
/// </summary>
public sealed class HttpUsesUseCasesOnlyTests
{
    private static readonly Type[] Ports = [typeof(IConversationRepository), typeof(ILanguageModel)];

    [Fact]
    public void HttpTypes_NeitherHoldNorTakeNorReturnARepositoryOrAModel()
    {
        var offenders = typeof(ChatHttpHandler).Assembly.GetTypes().SelectMany(PortUses).ToList();

        offenders.Should().BeEmpty("Http calls use cases (ContinueConversation, ReadConversation, ...), never a port");
    }

    [Fact]
    public void HttpSources_NameNoRepositoryOrModel()
    {
        var http = Path.Combine(Repository.Root, "src", "Http");
        var offenders = Directory.EnumerateFiles(http, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Ports.Where(p => File.ReadAllText(f).Contains(p.Name, StringComparison.Ordinal)).Select(p => $"{Path.GetFileName(f)} names {p.Name}"))
            .ToList();

        offenders.Should().BeEmpty();
    }

    [Fact]
    public void TheInspection_FindsAUseOfAPortWhereThereIsOne()
    {
        // Guards the test above against passing vacuously.
        PortUses(typeof(ContinueConversation)).Should().NotBeEmpty();
    }

    private static IEnumerable<string> PortUses(Type type)
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        foreach (var field in type.GetFields(all).Where(f => Mentions(f.FieldType)))
        {
            yield return $"{type.FullName}.{field.Name}";
        }

        foreach (var property in type.GetProperties(all).Where(p => Mentions(p.PropertyType)))
        {
            yield return $"{type.FullName}.{property.Name}";
        }

        foreach (var method in type.GetConstructors(all).Cast<MethodBase>().Concat(type.GetMethods(all)))
        {
            var types = method.GetParameters().Select(p => p.ParameterType)
                .Concat(method is MethodInfo info ? [info.ReturnType] : [])
                .Concat(method.IsGenericMethodDefinition ? method.GetGenericArguments() : []);
            if (types.Any(Mentions))
            {
                yield return $"{type.FullName}.{method.Name}";
            }
        }

        if (type.BaseType is { } baseType && Mentions(baseType) || type.GetInterfaces().Any(Mentions))
        {
            yield return $"{type.FullName} (base or interface)";
        }
    }

    /// <summary>True for a port, or a type built from one (an array, a task, a list, a delegate's argument...).</summary>
    private static bool Mentions(Type type) =>
        Ports.Any(p => p.IsAssignableFrom(type))
        || (type.HasElementType && Mentions(type.GetElementType()!))
        || (type.IsGenericType && type.GetGenericArguments().Any(Mentions));
}
