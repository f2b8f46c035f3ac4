using System.Net;

namespace Api.Routing;

/// <summary>
/// The silo serves another model than the one the texts were keyed for (409; e.g. mid-rollout). Not retryable
/// as is: the caller refreshes the model descriptor (<see cref="SiloClient.GetModelAsync"/>) and keys again.
/// </summary>
public sealed class SiloModelMismatchException(Uri silo, string message)
    : SiloCallException(silo, message, retryable: false, HttpStatusCode.Conflict);
