using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("DeclarativeSft.Tokenizers.Tests")]
