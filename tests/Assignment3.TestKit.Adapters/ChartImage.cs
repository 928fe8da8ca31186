using SkiaSharp;

namespace Assignment3.TestKit.Adapters;

/// <summary>What tests look for in a rendered chart.</summary>
public static class ChartImage
{
    /// <summary>
    /// How many dark pixels the title band (the top 35 rows, middle half) holds: a drawn title gives hundreds, a chart
    /// whose text vanished (no usable font) none.
    /// </summary>
    public static int DarkPixelsInTitleBand(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new ArgumentException("not an image Skia can decode", nameof(png));
        var dark = 0;
        for (var y = 0; y < 35; y++)
        {
            for (var x = bitmap.Width / 4; x < bitmap.Width * 3 / 4; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                dark += pixel.Red + pixel.Green + pixel.Blue < 300 ? 1 : 0;
            }
        }

        return dark;
    }
}
