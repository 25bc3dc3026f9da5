// Compiled by Renode itself when the harness includes it (monitor: include @HarnessTerminal.renode.cs), never by
// the harness's build. The console UART's terminal: it connects to the harness's loopback port and passes bytes
// both ways. It replaces Renode's server-socket terminal, whose writer thread spins for 60 ms after every byte
// the UART sends (SocketServerProvider.WriterThreadBody): measured at about 0.3 CPU-s per person_detect run, a
// core's worth taken from a second worker. Here the writer sleeps until the UART has something, then sends all
// of it at once.
using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using Antmicro.Renode.Backends.Terminals;
using Antmicro.Renode.Core;
using Antmicro.Renode.Exceptions;

namespace Harness.RenodeHooks
{
    public static class HarnessTerminalExtensions
    {
        public static void CreateHarnessTerminal(this Emulation emulation, int port, string name)
        {
            if(port <= 0 || port > 65535)
            {
                throw new RecoverableException($"port {port} is not a TCP port");
            }
            emulation.ExternalsManager.AddExternal(new HarnessTerminal(port), name);
        }
    }

    public sealed class HarnessTerminal : BackendTerminal, IDisposable
    {
        private readonly Socket socket;
        private readonly object gate = new object();
        private byte[] pending = new byte[4096];
        private int count;
        private bool closed;

        public HarnessTerminal(int port)
        {
            socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Connect(IPAddress.Loopback, port);
            }
            catch(SocketException e)
            {
                socket.Dispose();
                throw new RecoverableException($"the harness terminal could not connect to 127.0.0.1:{port}: {e.Message}");
            }
            new Thread(Receive) { IsBackground = true, Name = "HarnessTerminal receive" }.Start();
            new Thread(Send) { IsBackground = true, Name = "HarnessTerminal send" }.Start();
        }

        /// <summary>A byte the UART sent (on the CPU's thread): queued for the sender.</summary>
        public override void WriteChar(byte value)
        {
            lock(gate)
            {
                if(closed)
                {
                    return;
                }
                if(count == pending.Length)
                {
                    Array.Resize(ref pending, pending.Length * 2);
                }
                pending[count++] = value;
                if(count == 1)
                {
                    Monitor.Pulse(gate);
                }
            }
        }

        public void Dispose()
        {
            lock(gate)
            {
                closed = true;
                Monitor.PulseAll(gate);
            }
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch(Exception e) when(e is SocketException || e is ObjectDisposedException)
            {
            }
            socket.Close();
        }

        private void Send()
        {
            var sending = new byte[pending.Length];
            while(true)
            {
                int length;
                lock(gate)
                {
                    while(count == 0 && !closed)
                    {
                        Monitor.Wait(gate);
                    }
                    if(closed)
                    {
                        return;
                    }
                    // Swap the buffers: the UART goes on filling the other one while this one is sent.
                    var filled = pending;
                    pending = sending.Length >= filled.Length ? sending : new byte[filled.Length];
                    sending = filled;
                    length = count;
                    count = 0;
                }
                try
                {
                    for(var sent = 0; sent < length; )
                    {
                        sent += socket.Send(sending, sent, length - sent, SocketFlags.None);
                    }
                }
                catch(Exception e) when(e is SocketException || e is ObjectDisposedException)
                {
                    return;
                }
            }
        }

        /// <summary>The harness's bytes, handed to the UART (the base class times them into the machine's time domain).</summary>
        private void Receive()
        {
            var buffer = new byte[4096];
            while(true)
            {
                int length;
                try
                {
                    length = socket.Receive(buffer);
                }
                catch(Exception e) when(e is SocketException || e is ObjectDisposedException)
                {
                    return;
                }
                if(length == 0)
                {
                    return;
                }
                for(var i = 0; i < length; i++)
                {
                    CallCharReceived(buffer[i]);
                }
            }
        }
    }
}
