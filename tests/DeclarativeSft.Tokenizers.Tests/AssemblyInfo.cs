namespace DeclarativeSft.Tokenizers.Tests;
