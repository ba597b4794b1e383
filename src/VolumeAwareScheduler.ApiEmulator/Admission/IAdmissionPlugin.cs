namespace VolumeAwareScheduler.ApiEmulator.Admission;

/// <summary>
/// A step every create and update of the main resource passes between decoding and storage: an admission plugin
/// of kube-apiserver's default chain, or the defaulting, preparation and validation of a kind's registry strategy.
/// Status writes skip them, as subresources skip the plugins upstream.
/// </summary>
internal interface IAdmissionPlugin
{
    /// <summary>Mutates <see cref="AdmissionAttributes.Object"/> as needed, or refuses the write.</summary>
    Resources.ApiError? Admit(AdmissionAttributes attributes);
}
