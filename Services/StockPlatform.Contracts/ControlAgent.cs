namespace StockPlatform.Contracts;

/// <summary>
/// Command: pause or resume an agent. A null <paramref name="Instance"/> addresses every instance.
/// </summary>
public sealed record ControlAgent(string Agent, string? Instance, AgentCommand Command);
