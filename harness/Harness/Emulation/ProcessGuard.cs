using System.Collections.Concurrent;
using System.Diagnostics;

namespace Harness.Emulation;

/// <summary>
/// Last line of defence against orphaned emulators: every emulator process is registered here
/// and killed when the harness exits or is interrupted, even if a session was never disposed.
/// </summary>
public static class ProcessGuard
{
    private static readonly ConcurrentDictionary<int, bool> Live = new();

    static ProcessGuard()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    public static void Register(int processId) => Live[processId] = true;

    public static void Unregister(int processId) => Live.TryRemove(processId, out _);

    public static IReadOnlyCollection<int> LiveProcessIds => Live.Keys.ToList();

    public static void KillAll()
    {
        foreach (var id in Live.Keys)
        {
            try
            {
                using var process = Process.GetProcessById(id);
                process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
            Live.TryRemove(id, out _);
        }
    }
}
