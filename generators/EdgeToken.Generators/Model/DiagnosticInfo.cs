using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace EdgeToken.Generators.Model
{
    /// <summary>A diagnostic as plain data (id, file, 1-based line and column, message): a <see cref="Location"/>
    /// holds a syntax tree or a file it keeps alive, so models keep this and build the location when reporting.</summary>
    internal sealed record DiagnosticInfo(string Id, string Path, int Line, int Column, string Message)
    {
        public Diagnostic ToDiagnostic()
        {
            var position = new LinePosition(System.Math.Max(0, Line - 1), System.Math.Max(0, Column - 1));
            var location = Location.Create(Path, new TextSpan(0, 0), new LinePositionSpan(position, position));
            return Diagnostic.Create(DiagnosticDescriptors.For(Id), location, Message);
        }
    }
}
