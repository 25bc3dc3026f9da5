using System.Text;
using Harness.Link;
using Harness.Tests.Fakes;

namespace Harness.Tests.Link;

/// <summary>The host side of the link against a fake device over an in-memory pipe: the protocol's rules in milliseconds.</summary>
public class LinkClientTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    private static async Task<(LinkClient Link, FakeDevice Device, ConsoleTranscript Transcript)> ConnectAsync(Func<Frame, FakeDevice, Task> answer)
    {
        var (host, device) = MemoryPipe.Create();
        var transcript = new ConsoleTranscript();
        var fake = new FakeDevice(device, answer);
        await Task.Yield();
        return (new LinkClient(host, transcript), fake, transcript);
    }

    private static CancellationToken Soon => new CancellationTokenSource(Limit).Token;

    [Test]
    public async Task TheBootFrameIsReadIntoTypedFields()
    {
        var (link, device, _) = await ConnectAsync((_, _) => Task.CompletedTask);
        await device.BootAsync("proto=1;app=tflm-runner;fw=0.1;board=stm32f4;counter=tim2;max_body=200;stack=8192;status=ok;arena=4096;arena_used=676;kernels=cmsis_nn;tflm=abc");
        var boot = BootInfo.From(await link.WaitForBootAsync(Soon));
        Assert.That(boot, Is.EqualTo(new BootInfo(1, "tflm-runner", "0.1", "stm32f4", new DeviceCounter("tim2"), 200, 8192, "ok", "cmsis_nn", "abc", 4096, 676)));
        Assert.That(boot.Counter.CountsCoreCycles, Is.False);
        Assert.That(BootInfo.From(DeviceInfo.Parse(Encoding.ASCII.GetBytes("status=allocate-tensors-failed"))).Ready, Is.False);
        await link.DisposeAsync();
        await device.DisposeAsync();
    }

    [Test]
    public async Task AResponseWithAnOldSequenceNumberIsSkippedAndNoted()
    {
        var (link, device, transcript) = await ConnectAsync(async (request, d) =>
        {
            await d.SendAsync((byte)(request.Type | Frame.ResponseFlag), (byte)(request.Sequence - 1), "stale"u8.ToArray());
            await d.RespondAsync(request, "fresh"u8.ToArray());
        });
        var body = await link.RequestAsync(FrameType.Hello, [], Soon);
        Assert.That(Encoding.ASCII.GetString(body), Is.EqualTo("fresh"));
        Assert.That(transcript.Lines.Single(l => l.Source == LineSource.Link).Text, Does.Contain("ignored a stale response"));
        await link.DisposeAsync();
        await device.DisposeAsync();
    }

    [Test]
    public async Task AnErrorFrameBecomesADeviceErrorInTheDevicesOwnWords()
    {
        var (link, device, _) = await ConnectAsync((request, d) => d.RefuseAsync(request, 2, "input 0 takes 4 bytes, not 8"));
        var error = Assert.ThrowsAsync<DeviceErrorException>(() => link.RequestAsync(FrameType.UploadBegin, new byte[5], Soon))!;
        Assert.That(error.Message, Is.EqualTo("the device refused the request (error 2): input 0 takes 4 bytes, not 8"));
        await link.DisposeAsync();
        await device.DisposeAsync();
    }

    [Test]
    public async Task AFaultReportEndsTheWaitForAnAnswerWithTheRegisters()
    {
        var (link, device, transcript) = await ConnectAsync((_, d) => d.FaultAsync(pc: 0x0800098c, lr: 0x0800088f, cfsr: 1u << 9));
        var fault = Assert.ThrowsAsync<DeviceFaultException>(() => link.RequestAsync(FrameType.Invoke, [3], Soon))!;
        Assert.That(fault.Report.Pc, Is.EqualTo(0x0800098cu));
        Assert.That(fault.Report.Causes, Has.Some.StartsWith("precise data bus error"));
        Assert.That(fault.Outcome, Is.EqualTo(Harness.Measurement.Outcome.Failed), "a fault is the firmware's failure, not the harness's");
        Assert.That(transcript.Lines.Any(l => l.Source == LineSource.Fault), Is.True);
        await link.DisposeAsync();
        await device.DisposeAsync();
    }

    [Test]
    public async Task AConsoleThatClosesEndsTheWaitWithASentence()
    {
        var (link, device, _) = await ConnectAsync((_, d) =>
        {
            d.Disconnect();
            return Task.CompletedTask;
        });
        var error = Assert.ThrowsAsync<LinkClosedException>(() => link.RequestAsync(FrameType.Stats, [], Soon))!;
        Assert.That(error.Message, Is.EqualTo("the console closed while waiting for the answer to Stats"));
        await link.DisposeAsync();
        await device.DisposeAsync();
    }

    [Test]
    public async Task AnUploadGoesInChunksThatFitTheDevicesFramesAndEveryAckIsChecked()
    {
        var app = new FakeDiagApp();
        var (link, device, _) = await ConnectAsync(app.HandleAsync);
        var data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        await link.UploadAsync(0, data, maxBody: 100, null, Soon);
        var chunks = device.Received.Where(f => f.Type == (byte)FrameType.UploadChunk).ToList();
        Assert.That(chunks, Has.Count.EqualTo(11), "95 data bytes per 100-byte frame");
        Assert.That(chunks.All(c => c.Body.Length <= 100), Is.True);
        Assert.That(chunks.SelectMany(c => c.Body.Skip(5)), Is.EqualTo(data));

        var (liar, liarDevice, _) = await ConnectAsync((request, d) => d.RespondAsync(request, [0, 0, 0, 0]));
        var error = Assert.ThrowsAsync<LinkProtocolException>(() => liar.UploadAsync(0, data, 100, null, Soon))!;
        Assert.That(error.Message, Is.EqualTo("the device acknowledged 0 bytes after a chunk ending at 95"));
        await Task.WhenAll(link.DisposeAsync().AsTask(), device.DisposeAsync().AsTask(), liar.DisposeAsync().AsTask(), liarDevice.DisposeAsync().AsTask());
    }

    /// <summary>A device with 256 bytes of RAM and a 100-byte bulk window at 0x20000040, checking each commit's CRC as the firmware does.</summary>
    private sealed class FakeBulkDevice : ITargetMemory
    {
        public const uint Window = 0x20000040;
        public readonly byte[] Ram = new byte[256];
        public readonly List<byte> Taken = [];
        public string Name => "fake probe";
        public int Writes;
        public bool FlipNextWrite;

        public Task WriteAsync(uint address, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            Writes++;
            data.CopyTo(Ram.AsMemory((int)(address - 0x20000000)));
            if (FlipNextWrite)
            {
                Ram[address - 0x20000000] ^= 1;
                FlipNextWrite = false;
            }
            return Task.CompletedTask;
        }

        public Task HandleAsync(Frame request, FakeDevice device)
        {
            static byte[] U32(params uint[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
            uint Read(int at) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(request.Body.AsSpan(at));
            switch ((FrameType)request.Type)
            {
                case FrameType.BulkBegin:
                    Taken.Clear();
                    return device.RespondAsync(request, U32(0, Window, 100));
                case FrameType.BulkCommit:
                    var window = Ram.AsSpan((int)(Window - 0x20000000), (int)Read(5));
                    var crc = FakeDevice.Crc(window.ToArray());
                    if (crc != Read(9))
                    {
                        return device.RefuseAsync(request, 2, $"bulk write CRC mismatch: host 0x{Read(9):x8}, memory 0x{crc:x8}");
                    }
                    Taken.AddRange(window.ToArray());
                    return device.RespondAsync(request, U32((uint)Taken.Count, Window, 100));
                case FrameType.UploadBegin:
                    Taken.Clear();
                    return device.RespondAsync(request, U32(0));
                case FrameType.UploadChunk:
                    Taken.AddRange(request.Body.Skip(5));
                    return device.RespondAsync(request, U32((uint)Taken.Count));
                default:
                    return device.RefuseAsync(request, 1, "unknown request type");
            }
        }
    }

    [Test]
    public async Task ABulkUploadGoesThroughTheWindowInCommitsTheDeviceChecks()
    {
        var fake = new FakeBulkDevice();
        var (host, deviceStream) = MemoryPipe.Create();
        var device = new FakeDevice(deviceStream, fake.HandleAsync);
        await using var link = new LinkClient(host, new ConsoleTranscript(), fake);
        var data = Enumerable.Range(0, 1234).Select(i => (byte)(i * 13)).ToArray();

        var receipt = await link.UploadAsync(0, data, 256, null, Soon);
        Assert.That(fake.Taken, Is.EqualTo(data));
        Assert.That(fake.Writes, Is.EqualTo(13), "1234 bytes through a 100-byte window");
        Assert.That(receipt.Path, Is.EqualTo("bulk (fake probe)"));
        Assert.That(device.Received.Count(f => f.Type == (byte)FrameType.UploadChunk), Is.Zero);

        var small = await link.UploadAsync(0, data.AsMemory(0, 10), 256, null, Soon);
        Assert.That((small.Path, fake.Taken.Count), Is.EqualTo(("uart", 10)), "below the threshold the UART is as quick");

        fake.FlipNextWrite = true;
        var refused = Assert.ThrowsAsync<LinkProtocolException>(() => link.UploadAsync(0, data, 256, null, Soon))!;
        Assert.That(refused.Message, Does.StartWith("bytes 0..100 of the upload, written to 0x20000040 by fake probe, were refused by the device: bulk write CRC mismatch"));
        await device.DisposeAsync();
    }

    [Test]
    public async Task FirmwareWithoutTheBulkPathGetsTheUploadOverTheUartUnlessBulkIsDemanded()
    {
        var app = new FakeDiagApp();
        var (host, deviceStream) = MemoryPipe.Create();
        var device = new FakeDevice(deviceStream, app.HandleAsync);
        var probe = new FakeBulkDevice();
        await using var link = new LinkClient(host, new ConsoleTranscript(), probe);
        var data = new byte[3000];
        var receipt = await link.UploadAsync(0, data, 256, null, Soon);
        Assert.That((receipt.Path, probe.Writes), Is.EqualTo(("uart", 0)));
        var demanded = Assert.ThrowsAsync<LinkProtocolException>(() => link.UploadAsync(0, data, 256, null, Soon, UploadPath.Bulk))!;
        Assert.That(demanded.Message, Does.Contain("the firmware does not offer it"));

        await using var noProbe = new LinkClient(new MemoryStream(), new ConsoleTranscript());
        var none = Assert.ThrowsAsync<LinkProtocolException>(() => noProbe.UploadAsync(0, data, 256, null, Soon, UploadPath.Bulk))!;
        Assert.That(none.Message, Does.Contain("cannot write the board's memory"));
        await device.DisposeAsync();
    }

    [Test]
    public async Task ADownloadAssemblesTheSlicesTheDeviceSends()
    {
        var tensor = Enumerable.Range(0, 600).Select(i => (byte)i).ToArray();
        var (link, device, _) = await ConnectAsync((request, d) =>
        {
            var offset = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(request.Body.AsSpan(1));
            var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(request.Body.AsSpan(5));
            return d.RespondAsync(request, tensor[offset..(offset + length)]);
        });
        Assert.That(await link.DownloadAsync(0, tensor.Length, 256, Soon), Is.EqualTo(tensor));
        Assert.That(device.Received, Has.Count.EqualTo(3));
        await link.DisposeAsync();
        await device.DisposeAsync();
    }

    [Test]
    public async Task TextAndJunkBetweenFramesLandInTheTranscriptAndTheLinkGoesOn()
    {
        var (link, device, transcript) = await ConnectAsync((request, d) => d.RespondAsync(request, "ok"u8.ToArray()));
        await device.TextAsync("hello from the board");
        await device.RawAsync([0x01, 0x02, 0x03, 0x00]);
        Assert.That(Encoding.ASCII.GetString(await link.RequestAsync(FrameType.Hello, [], Soon)), Is.EqualTo("ok"));
        Assert.That(transcript.Lines.Select(l => (l.Source, l.Text)), Does.Contain((LineSource.Uart, "hello from the board")));
        Assert.That(link.GarbageBytes, Is.GreaterThan(0));
        await link.DisposeAsync();
        await device.DisposeAsync();
    }

    /// <summary>
    /// The firmware's rules for UPLOAD_CHUNKs (link_upload_chunk): the next bytes are taken, a repeat of bytes taken is
    /// acknowledged again with all received so far, anything else is refused as out of order. It can miss chunks (a frame
    /// garbled on the UART) and hold its answers back until several chunks have arrived.
    /// </summary>
    private sealed class UploadRules
    {
        public readonly List<byte> Taken = [];
        public readonly HashSet<int> Miss = [];
        public int Chunks;
        public int MostWaiting;
        public int HoldUntil;
        public bool Silent;
        private readonly List<Frame> held = [];

        public async Task HandleAsync(Frame request, FakeDevice device)
        {
            static byte[] U32(int value) => BitConverter.GetBytes((uint)value);
            if ((FrameType)request.Type == FrameType.UploadBegin)
            {
                Taken.Clear();
                await device.RespondAsync(request, U32(0));
                return;
            }
            if (Miss.Remove(Chunks++) || Silent)
            {
                return;
            }
            held.Add(request);
            MostWaiting = Math.Max(MostWaiting, held.Count);
            if (held.Count < HoldUntil)
            {
                return;
            }
            HoldUntil = 0;
            foreach (var chunk in held)
            {
                var offset = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(chunk.Body.AsSpan(1));
                var data = chunk.Body.AsSpan(5).ToArray();
                if (offset == Taken.Count)
                {
                    Taken.AddRange(data);
                }
                else if (offset + data.Length > Taken.Count)
                {
                    await device.RefuseAsync(chunk, 3, "chunk offset does not follow the bytes received");
                    continue;
                }
                await device.RespondAsync(chunk, U32(Taken.Count));
            }
            held.Clear();
        }
    }

    [Test]
    public async Task UploadChunksGoSeveralAtATimeAndAMissedOneIsSentAgainFromTheLastAcknowledgedByte()
    {
        var rules = new UploadRules { HoldUntil = LinkClient.UploadWindow };
        rules.Miss.Add(20);
        var (link, device, transcript) = await ConnectAsync(rules.HandleAsync);
        var data = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 13 + i / 256)).ToArray();
        await link.UploadAsync(0, data, maxBody: 100, null, Soon);
        Assert.That(rules.Taken, Is.EqualTo(data), "every byte, in order, once");
        Assert.That(rules.MostWaiting, Is.EqualTo(LinkClient.UploadWindow), "a window of chunks went out before the first was answered");
        Assert.That(transcript.Lines.Select(l => l.Text), Has.One.EqualTo("the device missed an upload chunk: sending again from byte 1,900"));
        await link.DisposeAsync();
        await device.DisposeAsync();
    }

    [Test]
    public async Task TheLastChunkMissedIsSentAgainAfterSilenceAndADeviceThatTakesNothingMoreEndsTheUploadWithASentence()
    {
        var rules = new UploadRules();
        var (host, deviceStream) = MemoryPipe.Create();
        var device = new FakeDevice(deviceStream, rules.HandleAsync);
        var transcript = new ConsoleTranscript();
        var link = new LinkClient(host, transcript) { ResendAfter = TimeSpan.FromMilliseconds(50) };
        var data = new byte[950];
        rules.Miss.Add(9);
        await link.UploadAsync(0, data, maxBody: 100, null, Soon);
        Assert.That(rules.Taken, Has.Count.EqualTo(data.Length));
        Assert.That(transcript.Lines.Select(l => l.Text), Has.One.EqualTo("no answer in 0.05 s with 1 upload chunk(s) in flight: sending again from byte 855"));

        rules.Silent = true;
        var stuck = Assert.ThrowsAsync<LinkProtocolException>(() => link.UploadAsync(0, data, maxBody: 100, null, Soon))!;
        Assert.That(stuck.Message, Is.EqualTo("the device took no more of the upload after 0 of 950 bytes, though the rest was sent again 16 times"));
        await link.DisposeAsync();
        await device.DisposeAsync();
    }
}
