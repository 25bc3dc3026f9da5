namespace Harness.Tools;

/// <summary>An external program the harness runs, how a user overrides where it is, and how to install it.</summary>
public sealed record ExternalTool(string Name, string Executable, string? OverrideVariable, string VersionArgument, string InstallHint, string NeededFor)
{
    public static readonly ExternalTool Dotnet = new("dotnet", "dotnet", null, "--version",
        "install the .NET 10 SDK", "building and running the harness");
    public static readonly ExternalTool CMake = new("cmake", "cmake", "HARNESS_CMAKE", "--version",
        "apt-get install cmake", "building firmware");
    public static readonly ExternalTool ArmGcc = new("arm-none-eabi-gcc", "arm-none-eabi-gcc", "HARNESS_ARM_GCC", "--version",
        "apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib", "building firmware");
    public static readonly ExternalTool ArmAddr2Line = new("arm-none-eabi-addr2line", "arm-none-eabi-addr2line", "HARNESS_ARM_ADDR2LINE", "--version",
        "apt-get install binutils-arm-none-eabi (comes with gcc-arm-none-eabi)", "resolving fault addresses to source lines");
    public static readonly ExternalTool HostCc = new("cc (host C compiler)", "cc", "HARNESS_HOST_CC", "--version",
        "apt-get install gcc", "building the harness's QEMU instruction-count plugin");
    public static readonly ExternalTool HostCxx = new("c++ (host C++ compiler)", "c++", "HARNESS_HOST_CXX", "--version",
        "apt-get install g++", "the host-native golden run of model scenarios");
    public static readonly ExternalTool Qemu = new("qemu-system-arm", "qemu-system-arm", "HARNESS_QEMU", "--version",
        "apt-get install qemu-system-arm", "the qemu emulator backend");
    public static readonly ExternalTool Renode = new("renode", "renode", "HARNESS_RENODE", "--version",
        "install Renode 1.16 (renode.io; tested with 1.16.1) and put 'renode' on PATH or set HARNESS_RENODE to its launcher", "the renode emulator backend");

    public static readonly ExternalTool ArmGdb = new("gdb-multiarch (Arm GDB)", "gdb-multiarch", "HARNESS_GDB", "--version",
        "apt-get install gdb-multiarch (or put Arm's arm-none-eabi-gdb on PATH)", "--debug: attaching a debugger to the emulated board");

    public static IReadOnlyList<ExternalTool> All => [Dotnet, CMake, ArmGcc, ArmAddr2Line, HostCc, HostCxx, Qemu, Renode, ArmGdb];

    /// <summary>Tools only some features need: their absence is reported, not an error of the installation.</summary>
    public bool Optional => this == Renode || this == ArmGdb;
}

public sealed class MissingToolException(ExternalTool tool, string detail)
    : HarnessException($"{tool.Name} not found ({detail}); it is needed for {tool.NeededFor}. Install it: {tool.InstallHint}")
{
    public ExternalTool Tool { get; } = tool;
}
