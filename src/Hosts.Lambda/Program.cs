// The Lambda runtime loop arrives with the Lambda host issue; until then the host only states that.
Console.Error.WriteLine("ChatBedrock's Lambda host is not built yet.");
return 1;
