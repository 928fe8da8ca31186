using Microsoft.Data.Sqlite;

namespace Assignment3.Adapters.Local;

/// <summary>How the local stores open their SQLite files.</summary>
internal static class SqliteFiles
{
    /// <summary>A connection string for <paramref name="databasePath"/>, without pooling (a closed store leaves the file free).</summary>
    public static string ConnectionString(string databasePath) =>
        new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString();

    /// <summary>An open connection that waits for a lock rather than fail.</summary>
    public static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        // The demo's change worker and its poller share the file; wait for a lock rather than fail.
        Execute(connection, "PRAGMA busy_timeout = 5000;");
        return connection;
    }

    /// <summary>Runs <paramref name="sql"/> for its effect.</summary>
    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
