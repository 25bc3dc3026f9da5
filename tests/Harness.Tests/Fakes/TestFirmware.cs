using Harness.Firmware;

namespace Harness.Tests.Fakes;

/// <summary>Real ELFs of the harness's own apps (real compiler, cached), for tests that fake only the emulator.</summary>
public static class TestFirmware
{
    public static async Task<FirmwareImage> BuildAsync(string board, string app)
    {
        TestEnvironment.RequireQemuToolchain();
        var image = await new FirmwareBuilder(TestEnvironment.Paths).BuildAsync(TestEnvironment.Boards.Get(board), app, CancellationToken.None);
        return image with { SpeaksLink = app == "diag" };
    }
}
