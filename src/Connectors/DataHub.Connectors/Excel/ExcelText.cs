using System.Text;
using System.Xml;

namespace DataHub.Connectors.Excel;

/// <summary>Text of a shared string (&lt;si&gt;) or inline string (&lt;is&gt;): plain &lt;t&gt; or rich-text runs joined.</summary>
internal static class ExcelText
{
    /// <summary>Reads the element the reader is on and leaves the reader on the node after its end.</summary>
    public static string ReadRuns(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return "";
        }
        var depth = reader.Depth;
        StringBuilder? text = null;
        string? single = null;
        var more = reader.Read();
        while (more && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "t")
            {
                var part = reader.ReadElementContentAsString();
                if (single is null && text is null) single = part;
                else (text ??= new StringBuilder(single)).Append(part);
            }
            // <rPh> holds phonetic hints, not the text; other elements (run properties) carry no text.
            else if (reader.NodeType == XmlNodeType.Element && reader.LocalName is "rPh" or "rPr") reader.Skip();
            else more = reader.Read();
        }
        reader.Read(); // past the end element
        return text?.ToString() ?? single ?? "";
    }
}
