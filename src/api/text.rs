//! Text the server sends, made fit for a terminal: every diagnostic and log line quotes HostUp's
//! words through [`clip`]. Its own room so that the wire models (gate reasons) and the errors use
//! it without importing each other.

/// Longest piece of server-supplied text (a non-JSON body, a title, a detail, a name) quoted in a
/// message, in characters.
pub(crate) const QUOTE_LIMIT: usize = 200;

/// Whether `c` must not reach a terminal: C0 controls but tab, DEL, C1 controls (ESC, BEL and
/// the CSI/OSC introducers rewrite what a terminal shows), and the bidi overrides and isolates
/// (which reorder the text around them, "Trojan Source").
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\t')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// A server-supplied text made fit for a diagnostic or a log line: every character a terminal
/// would act on becomes a space (bidi controls are dropped), and the text is clipped to
/// [`QUOTE_LIMIT`] characters, marked with "…". HostUp is untrusted input: a reply could
/// otherwise rewrite the user's terminal or flood it. Values written to the state are data and
/// are never passed through this.
pub(crate) fn clip(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(QUOTE_LIMIT * 4));
    let mut kept = 0;
    for c in s.chars() {
        if kept == QUOTE_LIMIT {
            out.push('…');
            break;
        }
        match c {
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => continue,
            c if unsafe_char(c) => out.push(' '),
            c => out.push(c),
        }
        kept += 1;
    }
    out
}
