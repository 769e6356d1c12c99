// The reliability tests start real agent processes and time kills against their start-up; on a small shared
// machine, running them beside the other tests would mostly measure contention.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
