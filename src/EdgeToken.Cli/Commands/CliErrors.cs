using EdgeToken.Compiler;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Plans;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Cli.Commands;

/// <summary>Turns the errors a user can cause (a bad model, a bad plan, a bad option) into one line on
/// stderr and exit code 2. Anything else is a bug in EdgeToken and keeps its stack trace.</summary>
internal static class CliErrors
{
    public const int BadInput = 2;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ModelLoadException or CompileException or PlanFormatException or CliUsageException
                                       or UnsupportedOperatorException or ShapeException or EdgeToken.Agent.Configuration.AgentConfigException or DirectoryNotFoundException or FileNotFoundException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
    }
}
