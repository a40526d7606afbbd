namespace DataHub.Serving;

/// <summary>
/// The catalog as the serving layer sees it; implemented by the host. Called on every request, so
/// an implementation should answer from memory. Failure contract: an exception thrown here becomes
/// a 500 answer (code <c>INTERNAL_ERROR</c>) and is reported in <see cref="FeedOutcome.Failure"/>.
/// </summary>
public interface IServedDatasets
{
    /// <summary>Every dataset that has a published version, at its current version.</summary>
    IReadOnlyList<ServedDataset> Current();

    /// <summary>
    /// The given version of a dataset (null: the current one), or null when the dataset is unknown or
    /// that version is no longer kept. Later pages of a feed ask for the version their skiptoken pins.
    /// </summary>
    ServedDataset? Find(string datasetName, long? version);
}
