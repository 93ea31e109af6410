namespace DeclarativeSft.Tokenizers.Models;

/// <summary>A token the model produced for one piece: its id and UTF-16 units <c>[Start, End)</c> of the piece.</summary>
internal readonly record struct ModelToken(int Id, int Start, int End);
