using CliWrap;
using CliWrap.Buffered;
using Harness.Firmware;
using Harness.Silicon;
using Harness.Tools;

namespace Harness.Tests.Silicon;

/// <summary>
/// The classifier against the real assembler: every line below is assembled by arm-none-eabi-gcc for a
/// Cortex-M4F (and a Cortex-M7 for FPv5), then the object's code is mapped; each instruction must land in
/// the class written beside it, with its register count, and a literal pool must not be read as code.
/// </summary>
public class ThumbClassifierTests
{
    private static readonly (string Assembly, TimingClass Class, int Registers)[] Cortex_M4F =
    [
        ("adds r0, r1, r2", TimingClass.Alu, 0), ("mov r8, r9", TimingClass.Alu, 0), ("add.w r0, r1, r2, lsl #2", TimingClass.Alu, 0),
        ("movw r0, #0x1234", TimingClass.Alu, 0), ("movt r0, #0x5678", TimingClass.Alu, 0), ("ubfx r0, r1, #3, #4", TimingClass.Alu, 0),
        ("ssat r0, #8, r1", TimingClass.Alu, 0), ("clz r0, r1", TimingClass.Alu, 0), ("rev r0, r1", TimingClass.Alu, 0), ("sxth r0, r1", TimingClass.Alu, 0),
        ("uxtb.w r0, r1, ror #8", TimingClass.Alu, 0), ("cmp r0, #5", TimingClass.Alu, 0), ("lsls r0, r1, #3", TimingClass.Alu, 0),
        ("lsl.w r0, r1, r2", TimingClass.Alu, 0), ("add sp, #16", TimingClass.Alu, 0), ("sub sp, #16", TimingClass.Alu, 0), ("adr r0, target", TimingClass.Alu, 0),
        ("muls r0, r1, r0", TimingClass.Mul, 0), ("mul r0, r1, r2", TimingClass.Mul, 0), ("mla r0, r1, r2, r3", TimingClass.Mul, 0), ("mls r0, r1, r2, r3", TimingClass.Mul, 0),
        ("smull r0, r1, r2, r3", TimingClass.MulLong, 0), ("umull r0, r1, r2, r3", TimingClass.MulLong, 0), ("smlal r0, r1, r2, r3", TimingClass.MulLong, 0),
        ("umlal r0, r1, r2, r3", TimingClass.MulLong, 0), ("umaal r0, r1, r2, r3", TimingClass.MulLong, 0),
        ("smlabb r0, r1, r2, r3", TimingClass.Dsp, 0), ("smlad r0, r1, r2, r3", TimingClass.Dsp, 0), ("smuad r0, r1, r2", TimingClass.Dsp, 0),
        ("smmla r0, r1, r2, r3", TimingClass.Dsp, 0), ("smulbb r0, r1, r2", TimingClass.Dsp, 0), ("qadd r0, r1, r2", TimingClass.Dsp, 0),
        ("sadd16 r0, r1, r2", TimingClass.Dsp, 0), ("uqsub8 r0, r1, r2", TimingClass.Dsp, 0), ("smlalbb r0, r1, r2, r3", TimingClass.Dsp, 0),
        ("sdiv r0, r1, r2", TimingClass.Div, 0), ("udiv r0, r1, r2", TimingClass.Div, 0),
        // Each load after the first follows a load whose destination (r0) its address does not use: pipelined (TRM §3.3.2).
        ("ldr r0, [r1]", TimingClass.Load, 0), ("ldr r0, [r1, #4]", TimingClass.LoadPipelined, 0), ("ldr.w r0, [r1, #1024]", TimingClass.LoadPipelined, 0),
        ("ldrb r0, [r1, r2]", TimingClass.LoadPipelined, 0), ("ldrsh.w r0, [r1, #-2]", TimingClass.LoadPipelined, 0), ("ldr r0, [sp, #8]", TimingClass.LoadPipelined, 0),
        ("ldrh r0, [r1]", TimingClass.LoadPipelined, 0), ("ldr r0, =0x12345678", TimingClass.LoadPipelined, 0),
        ("ldrd r0, r1, [r2]", TimingClass.LoadDouble, 0), ("strd r0, r1, [r2, #8]", TimingClass.StoreDouble, 0),
        ("str r0, [r1]", TimingClass.Store, 0), ("strb.w r0, [r1, #1]", TimingClass.Store, 0), ("strh r0, [r1, r2]", TimingClass.Store, 0), ("str r0, [sp]", TimingClass.Store, 0),
        ("ldmia r0!, {r1, r2, r3}", TimingClass.LoadMultiple, 3), ("pop {r4, r5}", TimingClass.LoadMultiple, 2), ("ldm.w r0, {r1-r8}", TimingClass.LoadMultiple, 8),
        ("pop.w {r4-r11}", TimingClass.LoadMultiple, 8),
        ("stmia r0!, {r1, r2}", TimingClass.StoreMultiple, 2), ("push {r4-r7, lr}", TimingClass.StoreMultiple, 5), ("push.w {r4-r11, lr}", TimingClass.StoreMultiple, 9),
        ("stmdb r0!, {r1-r3}", TimingClass.StoreMultiple, 3),
        ("pop {r4, pc}", TimingClass.PopPc, 2), ("pop.w {r4-r11, pc}", TimingClass.PopPc, 9),
        ("bx lr", TimingClass.Branch, 0), ("blx r3", TimingClass.Branch, 0), ("mov pc, lr", TimingClass.Branch, 0), ("ldr pc, [r0]", TimingClass.Branch, 0),
        ("tbb [r0, r1]", TimingClass.Branch, 0), ("tbh [r0, r1, lsl #1]", TimingClass.Branch, 0),
        ("ite ne", TimingClass.It, 0), ("movne r0, #1", TimingClass.Alu, 0), ("moveq r0, #0", TimingClass.Alu, 0),
        ("it eq", TimingClass.It, 0), ("bxeq lr", TimingClass.BranchConditional, 0),
        ("vadd.f32 s0, s1, s2", TimingClass.FpAlu, 0), ("vsub.f32 s0, s1, s2", TimingClass.FpAlu, 0), ("vmul.f32 s0, s1, s2", TimingClass.FpAlu, 0),
        ("vnmul.f32 s0, s1, s2", TimingClass.FpAlu, 0), ("vneg.f32 s0, s1", TimingClass.FpAlu, 0), ("vabs.f32 s0, s1", TimingClass.FpAlu, 0),
        ("vcmp.f32 s0, s1", TimingClass.FpAlu, 0), ("vcvt.s32.f32 s0, s0", TimingClass.FpAlu, 0), ("vmov.f32 s0, s1", TimingClass.FpAlu, 0), ("vmov.f32 s0, #1.0", TimingClass.FpAlu, 0),
        ("vmla.f32 s0, s1, s2", TimingClass.FpMac, 0), ("vmls.f32 s0, s1, s2", TimingClass.FpMac, 0), ("vnmla.f32 s0, s1, s2", TimingClass.FpMac, 0),
        ("vfma.f32 s0, s1, s2", TimingClass.FpMac, 0), ("vfnms.f32 s0, s1, s2", TimingClass.FpMac, 0),
        ("vdiv.f32 s0, s1, s2", TimingClass.FpDivide, 0), ("vsqrt.f32 s0, s1", TimingClass.FpDivide, 0),
        ("vldr s0, [r0]", TimingClass.FpLoad, 0), ("vldr s0, [r0, #8]", TimingClass.FpLoad, 0), ("vstr s0, [r0, #4]", TimingClass.FpStore, 0),
        ("vldmia r0!, {s0-s3}", TimingClass.FpLoadMultiple, 4), ("vpop {s16-s17}", TimingClass.FpLoadMultiple, 2),
        ("vstmia r0, {s0-s7}", TimingClass.FpStoreMultiple, 8), ("vpush {s16-s31}", TimingClass.FpStoreMultiple, 16),
        ("vmov r0, s0", TimingClass.FpTransfer, 0), ("vmov s0, r0", TimingClass.FpTransfer, 0), ("vmrs APSR_nzcv, fpscr", TimingClass.FpTransfer, 0),
        ("vmsr fpscr, r0", TimingClass.FpTransfer, 0), ("vmov r0, r1, d0", TimingClass.FpTransfer, 0),
        ("nop", TimingClass.Hint, 0), ("wfi", TimingClass.Hint, 0), ("nop.w", TimingClass.Hint, 0), ("dmb", TimingClass.Hint, 0), ("dsb", TimingClass.Hint, 0),
        ("isb", TimingClass.Hint, 0), ("pld [r0]", TimingClass.Hint, 0), ("yield", TimingClass.Hint, 0), ("clrex", TimingClass.Hint, 0),
        ("mrs r0, primask", TimingClass.System, 0), ("msr basepri, r0", TimingClass.System, 0), ("cpsid i", TimingClass.System, 0), ("svc #0", TimingClass.System, 0),
        ("bkpt #0", TimingClass.System, 0), ("udf #0", TimingClass.System, 0),
        ("ldrex r0, [r1]", TimingClass.Exclusive, 0), ("strex r2, r0, [r1]", TimingClass.Exclusive, 0), ("ldrexb r0, [r1]", TimingClass.Exclusive, 0),
        ("bl function", TimingClass.Branch, 0), ("b.w target", TimingClass.Branch, 0), ("bne.w target", TimingClass.BranchConditional, 0),
        ("cbz r0, target", TimingClass.BranchConditional, 0), ("cbnz r1, target", TimingClass.BranchConditional, 0), ("beq target", TimingClass.BranchConditional, 0),
        ("b target", TimingClass.Branch, 0),
    ];

    private static readonly (string Assembly, TimingClass Class, int Registers)[] Cortex_M7F =
    [
        ("vadd.f64 d0, d1, d2", TimingClass.FpAlu, 0), ("vdiv.f64 d0, d1, d2", TimingClass.FpDivide, 0), ("vfma.f64 d0, d1, d2", TimingClass.FpMac, 0),
        ("vselgt.f32 s0, s1, s2", TimingClass.FpAlu, 0), ("vmaxnm.f32 s0, s1, s2", TimingClass.FpAlu, 0), ("vrintz.f32 s0, s1", TimingClass.FpAlu, 0),
        ("vldmia r0, {d0-d3}", TimingClass.FpLoadMultiple, 8), ("vpush {d8-d9}", TimingClass.FpStoreMultiple, 4),
        ("target: nop", TimingClass.Hint, 0),
    ];

    [Test]
    public async Task EveryCortexM4FInstructionLandsInItsTrmClass() =>
        await Check(["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard"], [.. Cortex_M4F, ("target: nop", TimingClass.Hint, 0), ("function: bx lr", TimingClass.Branch, 0)]);

    [Test]
    public async Task Fpv5InstructionsOfTheCortexM7LandInTheirClasses() =>
        await Check(["-mcpu=cortex-m7", "-mfpu=fpv5-d16", "-mfloat-abi=hard"], Cortex_M7F);

    /// <summary>TRM §3.3.2: a single load or store right after an LDR loses a cycle, unless its address uses what that LDR loaded;
    /// nothing pipelines after a store, after LDRD or LDM, into a branch target or inside an IT block.</summary>
    [Test]
    public async Task LoadsAndStoresPipelineAfterALoadExactlyWhereTheManualSays() =>
        await Check(["-mcpu=cortex-m4", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
        [
            ("ldr r2, [r0]", TimingClass.Load, 0),
            ("ldr r3, [r0, #4]", TimingClass.LoadPipelined, 0),     // LDR R0,[R1]; LDR R1,[R2]: 3 cycles
            ("str r2, [r1, #20]", TimingClass.StorePipelined, 0),   // LDR R0,[R1,R2]; STR R0,[R3,#20]: 3 cycles
            ("ldr r3, [r1]", TimingClass.Load, 0),                  // nothing pipelines after a store
            ("ldr r1, [r3]", TimingClass.Load, 0),                  // its address is what the last load loaded
            ("ldr.w r2, [r0, r1]", TimingClass.Load, 0),            // so is this one's offset
            ("ldrd r2, r3, [r0]", TimingClass.LoadDouble, 0),
            ("ldr r2, [r0]", TimingClass.Load, 0),                  // LDRD does not pipeline with its neighbours
            ("beq 1f", TimingClass.BranchConditional, 0),
            ("ldr r3, [r0]", TimingClass.Load, 0),                  // after a branch
            ("1: ldr r3, [r0]", TimingClass.Load, 0),               // a branch target: reached from the branch too
            ("it eq", TimingClass.It, 0),
            ("ldreq r2, [r0]", TimingClass.Load, 0),                // inside an IT block
            ("adds r0, #1", TimingClass.Alu, 0),
        ]);

    [Test]
    public void InstructionLengthsFollowTheFirstHalfword()
    {
        Assert.That(ThumbClassifier.IsWide(0xF000), Is.True, "0b11110: BL, B.W, data processing");
        Assert.That(ThumbClassifier.IsWide(0xE800), Is.True, "0b11101: LDM.W, STRD, coprocessor");
        Assert.That(ThumbClassifier.IsWide(0xE000), Is.False, "0b11100: B (16-bit)");
        Assert.That(ThumbClassifier.Classify(0xBF14, 0).ItCount, Is.EqualTo(2), "ITE NE (mask 0100) covers two instructions");
        Assert.That(ThumbClassifier.Classify(0xBF18, 0).ItCount, Is.EqualTo(1), "IT NE (mask 1000) covers one");
    }

    private static async Task Check(string[] cpu, (string Assembly, TimingClass Class, int Registers)[] expected)
    {
        var gcc = ToolLocator.TryFind(ExternalTool.ArmGcc, out var detail) ?? throw new AssertionException($"arm-none-eabi-gcc is missing ({detail})");
        var directory = Directory.CreateTempSubdirectory("harness-classes").FullName;
        var source = Path.Combine(directory, "code.S");
        // A literal pool (data, marked $d) follows the code; nothing in it may be taken for an instruction.
        var lines = expected.Select(e => e.Assembly.Contains(':') ? e.Assembly : $"    {e.Assembly}");
        await File.WriteAllTextAsync(source, ".syntax unified\n.thumb\n.text\n" + string.Join('\n', lines) + "\n    .ltorg\n    .word 0xe8bd8ff0, 0xf000f800\n");
        var result = await CliWrap.Cli.Wrap(gcc).WithArguments([.. cpu, "-mthumb", "-c", source, "-o", Path.Combine(directory, "code.o")])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.That(result.ExitCode, Is.EqualTo(0), result.StandardError);
        var map = CodeMap.Of(ElfFile.Read(Path.Combine(directory, "code.o")));
        var mapped = map.Instructions.ToList();
        Directory.Delete(directory, true);
        Assert.That(mapped, Has.Count.EqualTo(expected.Length), "one mapped instruction per line, none from the literal pool");
        Assert.Multiple(() =>
        {
            foreach (var (instruction, (assembly, expectedClass, registers)) in mapped.Zip(expected))
            {
                Assert.That((instruction.Instruction.Class, instruction.Instruction.Registers), Is.EqualTo((expectedClass, registers)), $"{assembly} at 0x{instruction.Address:x}");
            }
        });
        var conditional = mapped.Zip(expected).Where(p => p.First.Conditional).Select(p => p.Second.Assembly).ToList();
        Assert.That(conditional, Is.EqualTo(expected.Where(e => e.Class == TimingClass.BranchConditional).Select(e => e.Assembly)), "exactly the conditional branches are marked conditional");
    }
}
