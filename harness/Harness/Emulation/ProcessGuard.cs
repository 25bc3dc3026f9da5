using System.Collections.Concurrent;
using System.Diagnostics;

namespace Harness.Emulation;

/// <summary>
/// Every emulator process is registered here and killed when the harness exits, even if a session was
/// never disposed. Ctrl-C and SIGTERM are not handled here: they cancel the run, which stops its
/// emulators and writes the reports; a harness killed outright takes its emulators along by the tether.
/// </summary>
public static class ProcessGuard
{
    private static readonly ConcurrentDictionary<int, bool> Live = new();

    static ProcessGuard()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
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
