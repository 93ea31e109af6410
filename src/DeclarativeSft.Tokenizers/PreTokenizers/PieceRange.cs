namespace DeclarativeSft.Tokenizers.PreTokenizers;

/// <summary>A pre-token: units <c>[Start, End)</c> of the normalized text, encoded by the model on its own.</summary>
internal readonly record struct PieceRange(int Start, int End);
