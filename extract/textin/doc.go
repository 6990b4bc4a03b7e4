// Package textin turns the bytes of an article into plain text for the
// extractor: plain text as it is, HTML reduced to its main content, and
// the text layer of text-based PDFs. It does no I/O and downloads nothing:
// callers read the file and pass its name and bytes.
//
// # Plain text
//
// Text must be UTF-8 (a UTF-8 byte-order mark is dropped; UTF-16 with a
// byte-order mark is decoded). Otherwise the text is returned unchanged,
// so that offsets into it are offsets into the file.
//
// # HTML
//
// The page is parsed with golang.org/x/net/html. Scripts, styles, forms,
// navigation, headers, footers, asides and elements whose class or id
// names boilerplate (share, related, comment, newsletter, advert, …) are
// dropped. The main content is the <article> (or <main>, or the element
// whose direct paragraphs hold the most text, links discounted) and its
// block elements (paragraphs, headings, list items, quotations) become
// paragraphs separated by blank lines, white space collapsed. The title
// comes from the first <h1>, else <title>.
//
// # PDF
//
// A minimal reader written for this package (no PDF library): it finds
// every "N G obj" in the file (so a broken cross-reference table does not
// matter), expands object streams, walks the page tree from the catalogue,
// decodes content streams (FlateDecode, ASCIIHexDecode, ASCII85Decode;
// other filters are reported) and interprets the text operators (BT/ET,
// Tf, Td, TD, Tm, T*, TL, Tc, Tw, Tz, Tj, TJ, ', ", cm, q/Q and form
// XObjects). Character codes become text through the font's ToUnicode
// CMap when it has one (so Identity-H fonts with a CMap read correctly),
// else through its encoding (WinAnsi, MacRoman, Standard, with
// Differences and glyph names). Glyph widths place spaces between words
// that the PDF positions separately; a change of baseline starts a new
// line; a gap wider than the page's usual line spacing, or an indented
// first line, starts a new paragraph.
//
// Limits: encrypted PDFs, scanned pages (images need OCR), LZW and other
// rare filters, and Type 3 or CID fonts without a ToUnicode CMap are not
// read (the last come out as U+FFFD and are reported when nothing else is
// readable). Reading order is the order of the content stream, which is
// right for single-column text and may interleave columns or put running
// heads between paragraphs. Hyphens at line ends are kept.
package textin
