using Harness.Silicon;
using Harness.Yaml;
using YamlDotNet.RepresentationModel;

namespace Harness.Boards;

/// <summary>The boards described in a platforms/ folder, one YAML file each.</summary>
public sealed class BoardCatalog
{
    private readonly Dictionary<string, BoardDescription> boards;

    private BoardCatalog(string directory, Dictionary<string, BoardDescription> boards, SiliconCatalog silicon)
    {
        Directory = directory;
        this.boards = boards;
        Silicon = silicon;
    }

    public string Directory { get; }

    /// <summary>The core timing tables and silicon parts beside the boards (platforms/cores, platforms/silicon).</summary>
    public SiliconCatalog Silicon { get; }
    public IReadOnlyCollection<BoardDescription> All => boards.Values.OrderBy(b => b.Id).ToList();

    public static BoardCatalog Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"board catalog folder not found: {directory}");
        }
        var errors = new List<YamlError>();
        var silicon = SiliconCatalog.Empty;
        try
        {
            silicon = SiliconCatalog.Load(directory);
        }
        catch (YamlInputException e)
        {
            errors.AddRange(e.Errors);
        }
        var boards = new Dictionary<string, BoardDescription>();
        foreach (var file in System.IO.Directory.GetFiles(directory, "*.yaml").Order())
        {
            try
            {
                var board = BoardFile.Parse(YamlReader.Load(file), silicon);
                if (!boards.TryAdd(board.Id, board))
                {
                    errors.Add(new YamlError(file, 1, 1, $"board id '{board.Id}' is also used by {boards[board.Id].SourceFile}"));
                }
            }
            catch (YamlInputException e)
            {
                errors.AddRange(e.Errors);
            }
        }
        if (errors.Count > 0)
        {
            throw new YamlInputException(errors);
        }
        return new BoardCatalog(directory, boards, silicon);
    }

    public bool TryGet(string id, out BoardDescription board) => boards.TryGetValue(id, out board!);

    public BoardDescription Get(string id) =>
        boards.TryGetValue(id, out var board) ? board : throw new UnknownBoardException(id, UnknownBoardMessage(id));

    public string UnknownBoardMessage(string id)
    {
        var hint = YamlReader.Suggest(id, boards.Keys);
        return $"unknown board '{id}'{(hint is null ? "" : $" (did you mean '{hint}'?)")}; known boards: {string.Join(", ", boards.Keys.Order())}";
    }
}

public sealed class UnknownBoardException(string id, string message) : HarnessException(message)
{
    public string Id { get; } = id;
}
