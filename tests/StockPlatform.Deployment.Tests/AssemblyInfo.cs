// The tests run the AppHost and publish six services: one at a time leaves the other test
// assemblies (which run beside these) their share of the machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
