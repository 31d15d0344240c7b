namespace StockPlatform.Contracts;

/// <summary>What <see cref="ControlAgent"/> asks an agent to do.</summary>
public enum AgentCommand
{
    /// <summary>Finish the current unit of work, then take no new work.</summary>
    Pause,

    /// <summary>Take work again after a pause.</summary>
    Resume,
}
