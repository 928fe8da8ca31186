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
        using var bitmap = SKBitmap.Decode(png) ?? throw new ArgumentException("not an image Skia can decode", nameof(png));
        var dark = DarkMask(bitmap);
        var (width, height) = (bitmap.Width, bitmap.Height);
        var rows = Enumerable.Range(0, height).Where(y => LongestRun(width, x => dark[y, x]) > width * 6 / 10).ToList();
        var columns = Enumerable.Range(0, width).Where(x => LongestRun(height, y => dark[y, x]) > height * 6 / 10).ToList();
        if (rows.Count == 0 || columns.Count == 0)
        {
            throw new ArgumentException("no plot frame found: not a chart of this renderer", nameof(png));
        }

        var (top, bottom, left) = (rows[0], rows[^1], columns[0]);
        return new ChartText(
            Title: Glyphs(dark, new SKRectI(0, 0, width, top)),
            Left: Glyphs(dark, new SKRectI(0, top, left, bottom)),
            Bottom: Glyphs(dark, new SKRectI(0, bottom + 1, width, height)),
            Legend: Glyphs(dark, new SKRectI(left + 1, top + 1, Math.Min(width, left + (width * 3 / 10)), Math.Min(bottom, top + (height * 15 / 100)))));
    }

    private static bool[,] DarkMask(SKBitmap bitmap)
    {
        var dark = new bool[bitmap.Height, bitmap.Width];
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                dark[y, x] = pixel.Alpha > 128 && pixel.Red + pixel.Green + pixel.Blue < 384;
            }
        }

        return dark;
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

    private static int Glyphs(bool[,] dark, SKRectI region)
    {
        var seen = new bool[dark.GetLength(0), dark.GetLength(1)];
        var glyphs = 0;
        var pending = new Stack<(int X, int Y)>();
        for (var y = region.Top; y < region.Bottom; y++)
        {
            for (var x = region.Left; x < region.Right; x++)
            {
                if (!dark[y, x] || seen[y, x])
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
                            if (nx >= region.Left && nx < region.Right && ny >= region.Top && ny < region.Bottom && dark[ny, nx] && !seen[ny, nx])
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
