using System.IO.Compression;

namespace Spartan.IO;

/// <summary>Reading .npz archives (zip files of .npy members, stored or deflated).</summary>
internal static class Npz
{
    /// <summary>Opens an archive, turning a corrupt zip into an error that names the file.</summary>
    public static ZipArchive Open(string path)
    {
        FileStream fs = FileIO.OpenReadStream(path);
        try
        {
            return new ZipArchive(fs, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException e)
        {
            fs.Dispose();
            throw new InvalidDataException($"{path}: not a valid .npz (zip) archive: {e.Message}", e);
        }
    }

    /// <summary>Finds member <paramref name="name"/> (with or without ".npy"), parses its header and checks its length.</summary>
    public static (string Member, NpyHeader Header, long Length) Describe(string path, string name)
    {
        using ZipArchive zip = Open(path);
        ZipArchiveEntry? entry = zip.GetEntry(name + ".npy") ?? zip.GetEntry(name);
        if (entry is null)
        {
            string names = string.Join(", ", zip.Entries.Take(20).Select(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal) ? e.FullName[..^4] : e.FullName));
            throw new ArgumentException($"{path}: the archive has no array '{name}' (it holds: {names})", nameof(name));
        }

        string where = $"{path}[{entry.FullName}]";
        NpyHeader h;
        try
        {
            using Stream s = entry.Open();
            h = NpyHeader.Read(s, where);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(where, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }

        NpyFile.CheckLength(where, h, entry.Length);
        return (entry.FullName, h, entry.Length);
    }
}
