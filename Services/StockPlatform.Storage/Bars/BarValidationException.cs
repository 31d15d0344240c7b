namespace StockPlatform.Storage.Bars;

/// <summary>A batch held a bar that cannot exist; nothing from the batch was written.</summary>
public sealed class BarValidationException(string message) : Exception(message);
