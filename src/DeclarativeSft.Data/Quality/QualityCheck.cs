using System.Collections.Generic;

namespace DeclarativeSft.Data.Quality;

/// <summary>Severity of a dataset finding; <see cref="Off"/> turns a check off.</summary>
public enum FindingSeverity { Off, Info, Warning, Error }

/// <summary>One dataset check of <c>sft lint</c>: its <c>data.quality</c> key, the diagnostic ID it reports and its
/// default severity.</summary>
public sealed class QualityCheck
{
    private QualityCheck(string name, string id, FindingSeverity defaultSeverity)
    {
        Name = name;
        Id = id;
        DefaultSeverity = defaultSeverity;
    }

    /// <summary>The key under <c>data.quality</c>.</summary>
    public string Name { get; }

    /// <summary>The SFTnnnn ID of its findings (message formats live with the recipe diagnostics).</summary>
    public string Id { get; }

    /// <summary>Severity when the recipe does not set one.</summary>
    public FindingSeverity DefaultSeverity { get; }

    public static readonly QualityCheck Duplicates = new("duplicates", "SFT0053", FindingSeverity.Warning);
    public static readonly QualityCheck NearDuplicates = new("near_duplicates", "SFT0053", FindingSeverity.Warning);
    public static readonly QualityCheck FormatCollapse = new("format_collapse", "SFT0054", FindingSeverity.Warning);
    public static readonly QualityCheck TemplateMarkers = new("template_markers", "SFT0055", FindingSeverity.Warning);
    public static readonly QualityCheck EmptyTurns = new("empty_turns", "SFT0056", FindingSeverity.Warning);
    /// <summary>Roles out of order: the reader's own rule (SFT0024, an error at build time too).</summary>
    public static readonly QualityCheck RoleOrder = new("role_order", "SFT0024", FindingSeverity.Error);
    public static readonly QualityCheck Truncation = new("truncation", "SFT0057", FindingSeverity.Warning);
    public static readonly QualityCheck BadCharacters = new("bad_characters", "SFT0056", FindingSeverity.Warning);
    public static readonly QualityCheck LengthCalibration = new("length_calibration", "SFT0058", FindingSeverity.Warning);
    public static readonly QualityCheck TrainedShare = new("trained_share", "SFT0058", FindingSeverity.Info);
    public static readonly QualityCheck Consistency = new("consistency", "SFT0059", FindingSeverity.Info);

    /// <summary>Every check, in report order (the recipe's <c>data.quality</c> keys are exactly these names).</summary>
    public static IReadOnlyList<QualityCheck> All { get; } = new[]
    {
        Duplicates, NearDuplicates, FormatCollapse, TemplateMarkers, EmptyTurns, RoleOrder, Truncation, BadCharacters,
        LengthCalibration, TrainedShare, Consistency,
    };
}
