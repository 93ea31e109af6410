namespace DeclarativeSft.Recipes.Tests.Fixtures;

/// <summary>
/// Random corruptions of recipes and data files, line by line: the corpus the validator must survive (MutationTests)
/// and that the build-time and run-time text pipelines must judge alike (the runtime tests' parity test).
/// </summary>
public static class MutationCorpus
{
    public static readonly string[] Garbage = { "\t", "\0", "{", "}", "[", "]", ":", "- ", "&a", "*a", "!!binary", "'", "\"", "#", "|", ">", "%", "@", "`", "\u00e9\u4e2d", "\ud83d\ude00", "\r", "---", "...", "? ", "<<: *a" };
    public static readonly string[] Values = { "99999999999999999999999", "-1", "1e999", ".nan", "-.inf", "null", "~", "[]", "{}", "[1, [2, [3]]]", "{a: {b: {c: 1}}}", "true", "0x1F", "\"\"", "''", "yes", "2.0e-4", "all-linear", "../../../../etc", "C:\\x" };

    public static string Mutate(string text, Random random, int count)
    {
        for (int n = 0; n < count; n++)
        {
            var lines = text.Split('\n').ToList();
            int at = random.Next(lines.Count);
            switch (random.Next(8))
            {
                case 0: lines.RemoveAt(at); break;
                case 1: lines.Insert(at, lines[random.Next(lines.Count)]); break;
                case 2: // swap a value for one of another type
                    int colon = lines[at].IndexOf(':');
                    if (colon > 0) lines[at] = lines[at].Substring(0, colon + 1) + " " + Values[random.Next(Values.Length)];
                    break;
                case 3: // garbage bytes at a random column
                    int col = random.Next(lines[at].Length + 1);
                    lines[at] = lines[at].Insert(col, Garbage[random.Next(Garbage.Length)]);
                    break;
                case 4: lines[at] = "\t" + lines[at]; break;
                case 5: lines[at] = new string(' ', random.Next(1, 6)) + lines[at]; break;
                case 6: // deep nesting
                    int depth = random.Next(10, 200);
                    lines.Insert(at, "deep: " + new string('[', depth) + new string(']', depth));
                    break;
                default: // truncate the line
                    if (lines[at].Length > 0) lines[at] = lines[at].Substring(0, random.Next(lines[at].Length));
                    break;
            }
            text = string.Join("\n", lines);
        }
        return text;
    }
}
