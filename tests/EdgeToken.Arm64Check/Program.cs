using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Plans;

// Runs compiled plans on whatever machine it is published for (linux-arm64 under qemu in the tests):
// for every DIR/<name>.etplan with DIR/<name>.input<K>.bin it writes DIR/<name>.output<K>.<arch>.bin.
// The x64 side compares those files with its own results. Also prints which SIMD paths this machine has.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: EdgeToken.Arm64Check DIR");
    return 2;
}
string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
Console.WriteLine($"arch={arch} AdvSimd={AdvSimd.IsSupported} AdvSimd.Arm64={AdvSimd.Arm64.IsSupported} Dp={Dp.IsSupported} " +
                  $"Vector128={Vector128.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Vector512={Vector512.IsHardwareAccelerated}");
int plans = 0;
foreach (var planPath in Directory.GetFiles(args[0], "*.etplan").Order(StringComparer.Ordinal))
{
    string stem = Path.ChangeExtension(planPath, null);
    var executor = new PlanExecutor(PlanFile.Load(planPath));
    for (int i = 0; i < executor.InputCount; i++)
        File.ReadAllBytes($"{stem}.input{i}.bin").CopyTo(executor.InputBytes(i));
    executor.Run();
    for (int o = 0; o < executor.OutputCount; o++)
        File.WriteAllBytes($"{stem}.output{o}.{arch}.bin", executor.OutputBytes(o).ToArray());
    plans++;
}
Console.WriteLine($"ran {plans} plans");
return 0;
