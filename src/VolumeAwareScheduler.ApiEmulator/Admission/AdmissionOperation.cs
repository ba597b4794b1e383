namespace VolumeAwareScheduler.ApiEmulator.Admission;

/// <summary>The write an admission step sees (k8s.io/apiserver admission.Operation; deletes are not admitted here).</summary>
internal enum AdmissionOperation
{
    Create,
    Update,
}
