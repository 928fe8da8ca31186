namespace Assignment3.Adapters.Lambda;

/// <summary>An incoming event could not be understood; the message says what was wrong with it.</summary>
public sealed class InvalidEventException(string message, Exception? inner = null) : Exception(message, inner);
