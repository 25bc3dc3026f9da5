global using NUnit.Framework;

[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Harness.Tests")]
