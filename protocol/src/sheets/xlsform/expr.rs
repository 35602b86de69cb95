//! The few XPath expressions of XLSForm that canvass understands: skip rules (`relevant`) that
//! compare one earlier question with values, and bounds (`constraint`) on a number, on the
//! count of picked options or on a text's length. Anything else is refused by name.

use std::fmt::Write as _;

/// A literal of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Literal {
    /// `'value'` or `"value"`.
    Text(String),
    /// `3`, `-5.5`.
    Number(f64),
}

/// A `relevant` canvass supports: one question compared with one or more values,
/// `${q} = 'a'`, `selected(${q}, 'a')`, or several of these joined by `or`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Relevant {
    /// The question's name, as written inside `${...}`.
    pub question: String,
    /// The values, in order.
    pub values: Vec<Literal>,
    /// Whether the terms use `selected(...)` rather than `=`.
    pub selected: bool,
}

/// What a constraint bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Subject {
    /// `.`: the number itself.
    Value,
    /// `count-selected(.)`: how many options are picked.
    Count,
    /// `string-length(.)`: the text's length.
    Length,
}

/// A comparison operator of a constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Ge,
    Le,
    Gt,
    Lt,
    Eq,
}

/// One bound of a constraint: `. >= 1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Bound {
    pub subject: Subject,
    pub op: Op,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Reference(String),
    Text(String),
    Number(f64),
    Word(String),
    Dot,
    Open,
    Close,
    Comma,
    Op(&'static str),
}

fn tokenize(expression: &str) -> Option<Vec<Token>> {
    let chars: Vec<char> = expression.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '$' if chars.get(i + 1) == Some(&'{') => {
                let end = chars[i..].iter().position(|&c| c == '}')? + i;
                tokens.push(Token::Reference(
                    chars[i + 2..end]
                        .iter()
                        .collect::<String>()
                        .trim()
                        .to_owned(),
                ));
                i = end + 1;
            }
            '\'' | '"' | '‘' | '’' | '“' | '”' => {
                let close = match c {
                    '‘' | '’' => ['‘', '’'],
                    '“' | '”' => ['“', '”'],
                    _ => [c, c],
                };
                let end = chars[i + 1..].iter().position(|c| close.contains(c))? + i + 1;
                tokens.push(Token::Text(chars[i + 1..end].iter().collect()));
                i = end + 1;
            }
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1;
            }
            '=' => {
                tokens.push(Token::Op("="));
                i += if chars.get(i + 1) == Some(&'=') { 2 } else { 1 };
            }
            '!' | '<' | '>' => {
                let op = match (c, chars.get(i + 1)) {
                    ('!', Some('=')) => "!=",
                    ('<', Some('=')) => "<=",
                    ('>', Some('=')) => ">=",
                    ('<', _) => "<",
                    ('>', _) => ">",
                    _ => return None,
                };
                tokens.push(Token::Op(op));
                i += op.len();
            }
            '.' if !chars.get(i + 1).is_some_and(char::is_ascii_digit) => {
                tokens.push(Token::Dot);
                i += 1;
            }
            c if c.is_ascii_digit() || c == '.' || c == '-' => {
                let start = i;
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_digit()
                        || chars[i] == '.'
                        || ((chars[i] == 'e' || chars[i] == 'E') && i > start)
                        || ((chars[i] == '-' || chars[i] == '+')
                            && matches!(chars[i - 1], 'e' | 'E')))
                {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let n: f64 = text.parse().ok()?;
                if !n.is_finite() {
                    return None;
                }
                tokens.push(Token::Number(n));
            }
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '-' || chars[i] == '_')
                {
                    i += 1;
                }
                tokens.push(Token::Word(
                    chars[start..i]
                        .iter()
                        .collect::<String>()
                        .to_ascii_lowercase(),
                ));
            }
            _ => return None,
        }
    }
    Some(tokens)
}

fn literal(token: &Token) -> Option<Literal> {
    match token {
        Token::Text(text) => Some(Literal::Text(text.clone())),
        Token::Number(n) => Some(Literal::Number(*n)),
        _ => None,
    }
}

/// Splits `tokens` at top-level occurrences of the word `word` (`or`, `and`).
fn split_on<'t>(tokens: &'t [Token], word: &str) -> Vec<&'t [Token]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Open => depth += 1,
            Token::Close => depth = depth.saturating_sub(1),
            Token::Word(w) if depth == 0 && w == word => {
                parts.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    parts
}

/// Removes parentheses around a whole term: `(${q} = 'a')`.
fn unwrap(mut tokens: &[Token]) -> &[Token] {
    while tokens.len() >= 2 && tokens[0] == Token::Open && tokens[tokens.len() - 1] == Token::Close
    {
        let inner = &tokens[1..tokens.len() - 1];
        let mut depth = 0i32;
        let balanced = inner.iter().all(|t| {
            match t {
                Token::Open => depth += 1,
                Token::Close => depth -= 1,
                _ => {}
            }
            depth >= 0
        });
        if !balanced || depth != 0 {
            break;
        }
        tokens = inner;
    }
    tokens
}

/// Reads a `relevant` of a form canvass supports; `None` for anything else.
pub(super) fn parse_relevant(expression: &str) -> Option<Relevant> {
    let tokens = tokenize(expression)?;
    let mut relevant: Option<Relevant> = None;
    for term in split_on(&tokens, "or") {
        let (question, value, selected) = match unwrap(term) {
            [Token::Reference(q), Token::Op("="), value]
            | [value, Token::Op("="), Token::Reference(q)] => (q.clone(), literal(value)?, false),
            [Token::Word(f), Token::Open, Token::Reference(q), Token::Comma, value, Token::Close]
                if f == "selected" =>
            {
                (q.clone(), literal(value)?, true)
            }
            _ => return None,
        };
        match &mut relevant {
            None => {
                relevant = Some(Relevant {
                    question,
                    values: vec![value],
                    selected,
                });
            }
            Some(r) if r.question == question && r.selected == selected => r.values.push(value),
            Some(_) => return None,
        }
    }
    relevant
}

/// Reads a `constraint` made of bounds joined by `and`; `None` for anything else.
pub(super) fn parse_constraint(expression: &str) -> Option<Vec<Bound>> {
    let tokens = tokenize(expression)?;
    split_on(&tokens, "and")
        .into_iter()
        .map(|term| {
            let (subject, rest) = match unwrap(term) {
                [Token::Dot, rest @ ..] => (Subject::Value, rest),
                [Token::Word(f), Token::Open, Token::Dot, Token::Close, rest @ ..] => {
                    let subject = match f.as_str() {
                        "count-selected" => Subject::Count,
                        "string-length" => Subject::Length,
                        _ => return None,
                    };
                    (subject, rest)
                }
                _ => return None,
            };
            let [Token::Op(op), Token::Number(value)] = rest else {
                return None;
            };
            let op = match *op {
                ">=" => Op::Ge,
                "<=" => Op::Le,
                ">" => Op::Gt,
                "<" => Op::Lt,
                "=" => Op::Eq,
                _ => return None,
            };
            Some(Bound {
                subject,
                op,
                value: *value,
            })
        })
        .collect()
}

/// A number as an expression writes it: `3`, `-5.5` (the shortest text that reads back to the
/// same number).
pub(super) fn number(n: f64) -> String {
    format!("{}", n + 0.0)
}

/// Writes a `relevant`: `${q} = 'a'`, `selected(${q}, 'a')`, joined by ` or `.
pub(super) fn write_relevant(question: &str, values: &[Literal], selected: bool) -> String {
    let mut out = String::new();
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        let value = match value {
            Literal::Text(text) => format!("'{text}'"),
            Literal::Number(n) => number(*n),
        };
        if selected {
            let _ = write!(out, "selected(${{{question}}}, {value})");
        } else {
            let _ = write!(out, "${{{question}}} = {value}");
        }
    }
    out
}

/// Writes bounds joined by ` and `: `. >= 1 and . <= 30`.
pub(super) fn write_constraint(bounds: &[Bound]) -> String {
    bounds
        .iter()
        .map(|b| {
            let subject = match b.subject {
                Subject::Value => ".",
                Subject::Count => "count-selected(.)",
                Subject::Length => "string-length(.)",
            };
            let op = match b.op {
                Op::Ge => ">=",
                Op::Le => "<=",
                Op::Gt => ">",
                Op::Lt => "<",
                Op::Eq => "=",
            };
            format!("{subject} {op} {}", number(b.value))
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Literal {
        Literal::Text(s.into())
    }

    #[test]
    fn simple_relevants_are_read() {
        assert_eq!(
            parse_relevant("${overall} = 'dissatisfied'"),
            Some(Relevant {
                question: "overall".into(),
                values: vec![text("dissatisfied")],
                selected: false
            })
        );
        assert_eq!(
            parse_relevant("selected( ${reasons} , \"other\")"),
            Some(Relevant {
                question: "reasons".into(),
                values: vec![text("other")],
                selected: true
            })
        );
        assert_eq!(
            parse_relevant("(${score} = 0) or ${score}=1 or ${score} = 2.5"),
            Some(Relevant {
                question: "score".into(),
                values: vec![
                    Literal::Number(0.0),
                    Literal::Number(1.0),
                    Literal::Number(2.5)
                ],
                selected: false
            })
        );
        assert_eq!(
            parse_relevant("${q} = ‘a’").map(|r| r.values),
            Some(vec![text("a")])
        );
    }

    #[test]
    fn other_relevants_are_refused() {
        for refused in [
            "${a} = 'x' and ${b} = 'y'",
            "${a} = 'x' or ${b} = 'y'",
            "${a} != 'x'",
            "${a} > 3",
            "not(selected(${a}, 'x'))",
            "${a} = 'x' or selected(${a}, 'y')",
            "string-length(${a}) > 0",
            "${a} = ${b}",
            "",
            "${a} = 'x",
        ] {
            assert_eq!(parse_relevant(refused), None, "{refused}");
        }
    }

    #[test]
    fn bounds_are_read_and_written_back() {
        for (text, bounds) in [
            (
                ". >= 1 and . <= 30",
                vec![
                    Bound {
                        subject: Subject::Value,
                        op: Op::Ge,
                        value: 1.0,
                    },
                    Bound {
                        subject: Subject::Value,
                        op: Op::Le,
                        value: 30.0,
                    },
                ],
            ),
            (
                "count-selected(.) <= 2",
                vec![Bound {
                    subject: Subject::Count,
                    op: Op::Le,
                    value: 2.0,
                }],
            ),
            (
                "string-length(.) <= 500",
                vec![Bound {
                    subject: Subject::Length,
                    op: Op::Le,
                    value: 500.0,
                }],
            ),
            (
                ". >= -5.5",
                vec![Bound {
                    subject: Subject::Value,
                    op: Op::Ge,
                    value: -5.5,
                }],
            ),
        ] {
            assert_eq!(parse_constraint(text).as_ref(), Some(&bounds), "{text}");
            assert_eq!(write_constraint(&bounds), text);
        }
        assert_eq!(parse_constraint(".>=1 and .<3").map(|b| b.len()), Some(2));
        assert_eq!(parse_constraint("regex(., '^[0-9]+$')"), None);
        assert_eq!(parse_constraint(". >= 1 or . <= 3"), None);
        assert_eq!(parse_constraint(". >= ${other}"), None);
    }

    #[test]
    fn written_relevants_read_back() {
        let values = vec![text("a"), text("b")];
        for selected in [false, true] {
            let written = write_relevant("q", &values, selected);
            let read = parse_relevant(&written).unwrap();
            assert_eq!((read.values, read.selected), (values.clone(), selected));
        }
        assert_eq!(
            write_relevant("s", &[Literal::Number(0.0), Literal::Number(1.5)], false),
            "${s} = 0 or ${s} = 1.5"
        );
    }
}
