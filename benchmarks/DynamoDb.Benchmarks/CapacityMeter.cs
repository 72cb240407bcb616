using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace ChatBedrock.DynamoDb.Benchmarks;

/// <summary>
/// Counts the requests a client sends and adds up the capacity DynamoDB reports for them (the store asks
/// for <c>ReturnConsumedCapacity = TOTAL</c> on every request), through the SDK's response events: the
/// store's code is measured as it is.
/// </summary>
internal sealed class CapacityMeter
{
    public CapacityMeter(AmazonDynamoDBClient client)
    {
        client.AfterResponseEvent += (_, e) => Record((e as WebServiceResponseEventArgs)?.Response);
        client.ExceptionEvent += (_, _) => Interlocked.Increment(ref _refused);
    }

    private int _reads;
    private int _writes;
    private int _refused;
    private double _readUnits;
    private double _writeUnits;

    public Sample Take()
    {
        var sample = new Sample(_reads, _writes, _refused, _readUnits, _writeUnits);
        (_reads, _writes, _refused, _readUnits, _writeUnits) = (0, 0, 0, 0, 0);
        return sample;
    }

    private void Record(AmazonWebServiceResponse? response)
    {
        switch (response)
        {
            case GetItemResponse r: Read(r.ConsumedCapacity); break;
            case QueryResponse r: Read(r.ConsumedCapacity); break;
            case PutItemResponse r: Write(r.ConsumedCapacity); break;
            case UpdateItemResponse r: Write(r.ConsumedCapacity); break;
            case DeleteItemResponse r: Write(r.ConsumedCapacity); break;
            case BatchWriteItemResponse r: Write(r.ConsumedCapacity?.FirstOrDefault()); break;
        }
    }

    private void Read(ConsumedCapacity? capacity)
    {
        _reads++;
        _readUnits += capacity?.CapacityUnits ?? 0;
    }

    private void Write(ConsumedCapacity? capacity)
    {
        _writes++;
        _writeUnits += capacity?.CapacityUnits ?? 0;
    }
}

/// <summary>What one turn cost: successful read and write requests, refused requests, capacity units.</summary>
internal readonly record struct Sample(int Reads, int Writes, int Refused, double ReadUnits, double WriteUnits);
