// Compiled by Renode itself when the harness includes it (monitor: include @HarnessMix.renode.cs), never by
// the harness's build. It counts the measured instructions by timing class, the same way the harness's
// QEMU plugin does and from the same code map (see the plugin's header for both formats): hooks at the
// region's begin and end markers switch a block-end hook on and off, so code outside measured regions
// runs at full speed; the block hook gets each translation block's first address and how many of its
// instructions ran, walks them in the map, and the markers write "mix …" then "begin N" / "end N" /
// "opb N" / "ope N" to the events file, N counting the instructions the block hook has seen. A timer
// writes "clock N" (the CPU's executed instructions) every 25 ms: the guest's progress an emulated-time
// limit is judged by.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using Antmicro.Renode.Core;
using Antmicro.Renode.Peripherals;
using Antmicro.Renode.Peripherals.CPU;

namespace Harness.RenodeHooks
{
    public static class HarnessMix
    {
        private static MixCounter counter;

        public static void HarnessMixStart(this TranslationCPU cpu, string map, string events, ulong begin, ulong end, ulong opBegin, ulong opEnd)
        {
            HarnessMixStop(cpu);
            var started = new MixCounter(cpu, map, events, (uint)begin, (uint)end, (uint)opBegin, (uint)opEnd);
            counter = started;
            cpu.AddHook(begin, (c, address) => started.Begin());
            cpu.AddHook(end, (c, address) => started.End());
        }

        public static void HarnessMixStop(this TranslationCPU cpu)
        {
            cpu.SetHookAtBlockEnd(null);
            if(counter != null)
            {
                cpu.RemoveHooksAt(counter.BeginAddress);
                cpu.RemoveHooksAt(counter.EndAddress);
                counter.Dispose();
            }
            counter = null;
        }
    }

    public sealed class MixCounter : IDisposable
    {
        private readonly TranslationCPU cpu;
        private readonly IMachine machine;
        private readonly Timer clock;
        // The clock reads the CPU only while its machine runs: a machine pauses before it is disposed (Clear, quit), and
        // reading a disposed CPU crashes Renode.
        private readonly object ticking = new object();
        private bool running;
        private readonly object writing = new object();
        private ulong lastClock = ulong.MaxValue;
        private readonly uint[] addresses;
        private readonly byte[] lengths, classes, registers;
        private readonly bool[] conditional;
        private readonly int classCount;
        private readonly long[] executed, moved, notTaken;
        private readonly string events;
        private readonly uint begin, end, opBegin, opEnd;
        private readonly Dictionary<ulong, Block> blocks = new Dictionary<ulong, Block>();
        private long total;
        private ulong lastKey = ulong.MaxValue;
        private Block lastBlock;
        private int pending = -1;
        private uint pendingFallThrough;

        private sealed class Block
        {
            // The block's instructions added up by class, so a block of ten loads costs one addition, not ten.
            public int[] Classes;
            public int[] Counts;
            public int[] Registers;
            public int Other;
            public int Last = -1;
            public uint AfterLast;
        }

        public ulong BeginAddress => begin;
        public ulong EndAddress => end;

        public MixCounter(TranslationCPU cpu, string map, string events, uint begin, uint end, uint opBegin, uint opEnd)
        {
            this.cpu = cpu;
            var lines = File.ReadAllLines(map);
            var header = lines[0].Split(' ');
            var count = int.Parse(header[0], CultureInfo.InvariantCulture);
            classCount = int.Parse(header[1], CultureInfo.InvariantCulture);
            addresses = new uint[count];
            lengths = new byte[count];
            classes = new byte[count];
            registers = new byte[count];
            conditional = new bool[count];
            for(var i = 0; i < count; i++)
            {
                var f = lines[i + 1].Split(' ');
                addresses[i] = uint.Parse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                lengths[i] = byte.Parse(f[1], CultureInfo.InvariantCulture);
                classes[i] = byte.Parse(f[2], CultureInfo.InvariantCulture);
                registers[i] = byte.Parse(f[3], CultureInfo.InvariantCulture);
                conditional[i] = f[4] == "1";
            }
            executed = new long[classCount];
            moved = new long[classCount];
            notTaken = new long[classCount];
            this.events = events;
            this.begin = begin;
            this.end = end;
            this.opBegin = opBegin;
            this.opEnd = opEnd;
            machine = cpu.GetMachine();
            running = !machine.IsPaused;
            machine.StateChanged += OnStateChanged;
            clock = new Timer(_ => Tick(), null, 25, 25);
        }

        private void OnStateChanged(IMachine changed, MachineStateChangedEventArgs state)
        {
            lock(ticking)
            {
                running = state.CurrentState == MachineStateChangedEventArgs.State.Started;
            }
        }

        public void OnBlockEnd(ulong pc, uint count)
        {
            if(count == 0)
            {
                return;
            }
            var address = (uint)pc & ~1u;
            if(pending >= 0)
            {
                if(address == pendingFallThrough)
                {
                    notTaken[classes[pending]]++;
                }
                pending = -1;
            }
            if(address == opBegin || address == opEnd)
            {
                Write(address == opBegin ? "opb" : "ope");
            }
            var key = ((ulong)address << 20) | count;
            var block = lastBlock;
            if(key != lastKey)
            {
                if(!blocks.TryGetValue(key, out block))
                {
                    block = Walk(address, count);
                    blocks[key] = block;
                }
                lastKey = key;
                lastBlock = block;
            }
            for(var i = 0; i < block.Classes.Length; i++)
            {
                executed[block.Classes[i]] += block.Counts[i];
                moved[block.Classes[i]] += block.Registers[i];
            }
            executed[0] += block.Other;
            total += count;
            if(block.Last >= 0)
            {
                pending = block.Last;
                pendingFallThrough = block.AfterLast;
            }
        }

        private Block Walk(uint address, uint count)
        {
            var found = new List<int>();
            var block = new Block();
            var index = Array.BinarySearch(addresses, address);
            for(var i = 0; i < count; i++)
            {
                if(index < 0 || index >= addresses.Length || addresses[index] != address)
                {
                    block.Other = (int)count - i;
                    break;
                }
                found.Add(index);
                address += lengths[index];
                index++;
            }
            var counts = new int[classCount];
            var registerCounts = new int[classCount];
            foreach(var i in found)
            {
                counts[classes[i]]++;
                registerCounts[classes[i]] += registers[i];
            }
            var present = new List<int>();
            for(var c = 0; c < classCount; c++)
            {
                if(counts[c] > 0)
                {
                    present.Add(c);
                }
            }
            block.Classes = present.ToArray();
            block.Counts = present.ConvertAll(c => counts[c]).ToArray();
            block.Registers = present.ConvertAll(c => registerCounts[c]).ToArray();
            if(block.Other == 0 && found.Count > 0 && conditional[found[found.Count - 1]])
            {
                block.Last = found[found.Count - 1];
                block.AfterLast = address;
            }
            return block;
        }

        /// <summary>At the region's first instruction: its count so far, then the block hook on for the region.</summary>
        public void Begin()
        {
            pending = -1;
            Write("begin");
            cpu.SetHookAtBlockEnd(OnBlockEnd);
        }

        /// <summary>At the instruction after the region: a conditional branch that ended the last block fell through if it led here.</summary>
        public void End()
        {
            cpu.SetHookAtBlockEnd(null);
            if(pending >= 0 && end == pendingFallThrough)
            {
                notTaken[classes[pending]]++;
            }
            pending = -1;
            Write("end");
        }

        private void Tick()
        {
            ulong now;
            lock(ticking)
            {
                if(!running)
                {
                    return;
                }
                now = cpu.ExecutedInstructions;
            }
            if(now != lastClock)
            {
                lastClock = now;
                lock(writing)
                {
                    File.AppendAllText(events, "clock " + now.ToString(CultureInfo.InvariantCulture) + "\n");
                }
            }
        }

        public void Dispose()
        {
            machine.StateChanged -= OnStateChanged;
            lock(ticking)
            {
                running = false;
            }
            clock.Dispose();
        }

        private void Write(string kind)
        {
            var text = new StringBuilder("mix");
            foreach(var row in new[] { executed, moved, notTaken })
            {
                foreach(var value in row)
                {
                    text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture));
                }
            }
            text.Append('\n').Append(kind).Append(' ').Append(total.ToString(CultureInfo.InvariantCulture)).Append('\n');
            lock(writing)
            {
                File.AppendAllText(events, text.ToString());
            }
        }
    }
}
