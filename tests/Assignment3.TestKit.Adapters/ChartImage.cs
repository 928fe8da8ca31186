using SkiaSharp;

namespace Assignment3.TestKit.Adapters;

/// <summary>How many glyph-like shapes each region of a chart where text belongs holds.</summary>
/// <param name="Title">Above the plot's frame: the title.</param>
/// <param name="Left">Left of the frame: the size tick labels and the y-axis label.</param>
/// <param name="Bottom">Below the frame: the time tick labels and the x-axis label.</param>
/// <param name="Legend">The frame's top-left corner, where the legend sits.</param>
public sealed record ChartText(int Title, int Left, int Bottom, int Legend)
{
    /// <summary>
    /// Fewest shapes a region with its text drawn holds: the shortest text, a legend's "Total size", has nine glyphs,
    /// and a chart whose text vanished has none in the title or axis bands (lines, ticks and the frame are no glyphs).
    /// </summary>
    public const int Drawn = 8;

    /// <summary>Whether every region holds text.</summary>
    public bool Everywhere => Title >= Drawn && Left >= Drawn && Bottom >= Drawn && Legend >= Drawn;
}

/// <summary>
/// What tests look for in a rendered chart: text, found as glyphs rather than as dark pixels. A dark pixel count cannot
/// tell a title from the frame's top line, so a chart drawn with no font at all passes it. Glyphs are the connected
/// shapes of dark pixels (8-neighbourhood) of letter size: 4 to 40 pixels high, at most 40 wide, of at least 5 pixels.
/// Lines and the frame are wider or taller than any letter, a dash is flatter, a dot smaller, and a shape that reaches
/// the edge of its region (a tick, cut from the frame it is joined to) is no glyph.
/// The regions are found from the plot's frame, the first and last rows and the first column with a dark run across
/// most of the image.
/// </summary>
public static class ChartImage
{
    /// <summary>Counts the glyph-like shapes of each text region of <paramref name="png"/>.</summary>
    public static ChartText Text(byte[] png)
    {
        var chart = ChartPixels.Of(png);
        var (width, height, top, bottom, left) = (chart.Width, chart.Height, chart.Top, chart.Bottom, chart.Left);
        return new ChartText(
            Title: Glyphs(chart, new SKRectI(0, 0, width, top)),
            Left: Glyphs(chart, new SKRectI(0, top, left, bottom)),
            Bottom: Glyphs(chart, new SKRectI(0, bottom + 1, width, height)),
            Legend: Glyphs(chart, new SKRectI(left + 1, top + 1, Math.Min(width, left + (width * 3 / 10)), Math.Min(bottom, top + (height * 15 / 100)))));
    }

    private static int Glyphs(ChartPixels chart, SKRectI region)
    {
        var seen = new bool[chart.Height, chart.Width];
        var glyphs = 0;
        var pending = new Stack<(int X, int Y)>();
        for (var y = region.Top; y < region.Bottom; y++)
        {
            for (var x = region.Left; x < region.Right; x++)
            {
                if (!chart.IsDark(x, y) || seen[y, x])
                {
                    continue;
                }

                var (minX, maxX, minY, maxY, area) = (x, x, y, y, 0);
                seen[y, x] = true;
                pending.Push((x, y));
                while (pending.TryPop(out var at))
                {
                    area++;
                    (minX, maxX, minY, maxY) = (Math.Min(minX, at.X), Math.Max(maxX, at.X), Math.Min(minY, at.Y), Math.Max(maxY, at.Y));
                    for (var dy = -1; dy <= 1; dy++)
                    {
                        for (var dx = -1; dx <= 1; dx++)
                        {
                            var (nx, ny) = (at.X + dx, at.Y + dy);
                            if (nx >= region.Left && nx < region.Right && ny >= region.Top && ny < region.Bottom && chart.IsDark(nx, ny) && !seen[ny, nx])
                            {
                                seen[ny, nx] = true;
                                pending.Push((nx, ny));
                            }
                        }
                    }
                }

                // A shape cut by the region's edge is part of something larger: a tick joined to the frame, say.
                var cut = minX == region.Left || maxX == region.Right - 1 || minY == region.Top || maxY == region.Bottom - 1;
                var (shapeWidth, shapeHeight) = (maxX - minX + 1, maxY - minY + 1);
                glyphs += !cut && shapeHeight is >= 4 and <= 40 && shapeWidth <= 40 && area >= 5 ? 1 : 0;
            }
        }

        return glyphs;
    }
}

/// <summary>
/// A decoded chart and its plot frame: the first and last rows and the first and last columns with a dark run across
/// most of the image. The frame is drawn outside everything plotted, so a long line inside it never stands in for it.
/// </summary>
public sealed class ChartPixels
{
    private readonly SKColor[,] _colors;

    private ChartPixels(SKColor[,] colors, int top, int bottom, int left, int right) =>
        (_colors, Top, Bottom, Left, Right) = (colors, top, bottom, left, right);

    public int Width => _colors.GetLength(1);

    public int Height => _colors.GetLength(0);

    public int Top { get; }

    public int Bottom { get; }

    public int Left { get; }

    public int Right { get; }

    public SKColor this[int x, int y] => _colors[y, x];

    /// <summary>Opaque and darker than mid grey: ink, not background or grid.</summary>
    public bool IsDark(int x, int y) => _colors[y, x] is var c && c.Alpha > 128 && c.Red + c.Green + c.Blue < 384;

    public static ChartPixels Of(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new ArgumentException("not an image Skia can decode", nameof(png));
        var colors = new SKColor[bitmap.Height, bitmap.Width];
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                colors[y, x] = bitmap.GetPixel(x, y);
            }
        }

        var chart = new ChartPixels(colors, 0, 0, 0, 0);
        var (width, height) = (chart.Width, chart.Height);
        var rows = Enumerable.Range(0, height).Where(y => LongestRun(width, x => chart.IsDark(x, y)) > width * 6 / 10).ToList();
        var columns = Enumerable.Range(0, width).Where(x => LongestRun(height, y => chart.IsDark(x, y)) > height * 6 / 10).ToList();
        return rows.Count == 0 || columns.Count == 0
            ? throw new ArgumentException("no plot frame found: not a chart of this renderer", nameof(png))
            : new ChartPixels(colors, rows[0], rows[^1], columns[0], columns[^1]);
    }

    private static int LongestRun(int length, Func<int, bool> isDark)
    {
        var (longest, current) = (0, 0);
        for (var i = 0; i < length; i++)
        {
            current = isDark(i) ? current + 1 : 0;
            longest = Math.Max(longest, current);
        }

        return longest;
    }
}
