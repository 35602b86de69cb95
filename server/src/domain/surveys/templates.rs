//! The questionnaires a new survey may start from, as data: the standard 群众满意度测评 of a
//! window unit, a survey of village affairs (村务), or a blank form. Their words are the form's
//! own text in Simplified Chinese and English, as every form carries them; the editor changes
//! them like any other survey's.

use canvass_protocol::forms::{
    ChoiceOption, Condition, ConditionValue, FormDefinition, Localized, OptionId, Question,
    QuestionId, QuestionKind, ScaleId, ShowIf,
};

/// A questionnaire a new survey starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// 窗口单位群众满意度测评: the service of a window unit, on the built-in satisfaction scale.
    Window,
    /// 村务工作群众满意度测评: a village's affairs, openness, finances and cadres.
    Village,
    /// One empty question.
    Blank,
}

impl Template {
    /// Every template, in the order the page offers them.
    pub const ALL: [Template; 3] = [Template::Window, Template::Village, Template::Blank];

    /// The template's name in addresses (`?template=window`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Template::Window => "window",
            Template::Village => "village",
            Template::Blank => "blank",
        }
    }

    /// The template a name names.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The template's questionnaire; `None` for the blank form, which has no valid one.
    #[must_use]
    pub fn form(self) -> Option<FormDefinition> {
        match self {
            Template::Window => Some(window()),
            Template::Village => Some(village()),
            Template::Blank => None,
        }
    }
}

fn id(s: &str) -> QuestionId {
    QuestionId::parse(s).expect("template ids are valid")
}

fn option(s: &str, zh: &str, en: &str) -> ChoiceOption {
    ChoiceOption {
        id: OptionId::parse(s).expect("template ids are valid"),
        label: Localized::new(zh, en),
    }
}

fn question(q: &str, zh: &str, en: &str, required: bool, kind: QuestionKind) -> Question {
    Question {
        id: id(q),
        label: Localized::new(zh, en),
        help: None,
        required,
        show_if: None,
        kind,
    }
}

fn rating(q: &str, zh: &str, en: &str, required: bool) -> Question {
    question(
        q,
        zh,
        en,
        required,
        QuestionKind::Rating {
            scale: ScaleId::satisfaction(),
        },
    )
}

fn when_dissatisfied(mut q: Question) -> Question {
    q.show_if = Some(ShowIf {
        question: id("overall"),
        condition: Condition::Equals(ConditionValue::Option(
            OptionId::parse("dissatisfied").expect("a built-in option"),
        )),
    });
    q
}

fn comment(zh: &str, en: &str) -> Question {
    let mut q = question(
        "comment",
        zh,
        en,
        false,
        QuestionKind::LongText { max_length: None },
    );
    q.help = Some(Localized::new(
        "请勿填写姓名、电话等个人信息。",
        "Please do not write your name, phone number or other personal details.",
    ));
    q
}

fn anonymous() -> Localized {
    Localized::new(
        "本问卷匿名填写,约需3分钟。您的回答只用于统计,任何人都无法知道您填了什么。",
        "This survey is anonymous and takes about 3 minutes. Answers are only counted; nobody can tell what you answered.",
    )
}

fn window() -> FormDefinition {
    let mut reasons = question(
        "dissatisfied_reasons",
        "您不满意的主要原因是什么?",
        "What were the main reasons you were dissatisfied?",
        true,
        QuestionKind::MultipleChoice {
            options: vec![
                option("long_wait", "排队等候时间长", "Long wait"),
                option(
                    "repeated_trips",
                    "材料要求不一次说清,多次跑腿",
                    "Requirements not explained at once; several trips",
                ),
                option("rude_staff", "态度生硬、推诿扯皮", "Rude or evasive staff"),
                option("improper_fees", "乱收费", "Improper fees"),
                option("favours_asked", "吃拿卡要", "Favours or gifts asked for"),
                option("other", "其他", "Other"),
            ],
            min: Some(1),
            max: Some(3),
        },
    );
    reasons.help = Some(Localized::new("最多选三项", "Choose up to three"));
    FormDefinition {
        title: Localized::new(
            "窗口单位服务群众满意度测评",
            "Public satisfaction with a window unit's service",
        ),
        description: Some(anonymous()),
        questions: vec![
            question(
                "visit_purpose",
                "您这次到窗口办理的是什么事项?",
                "What did you come to the window for?",
                false,
                QuestionKind::SingleChoice {
                    options: vec![
                        option("licence", "证照办理", "Licences and permits"),
                        option("complaint", "投诉举报", "Complaint or report"),
                        option("enquiry", "政策咨询", "Enquiry"),
                        option("other", "其他", "Other"),
                    ],
                },
            ),
            rating(
                "overall",
                "您对该单位窗口服务的总体评价",
                "Overall, how satisfied are you with this unit's window service?",
                true,
            ),
            rating(
                "attitude",
                "工作人员的服务态度",
                "The staff's attitude",
                true,
            ),
            rating(
                "efficiency",
                "办事效率",
                "How quickly your matter was handled",
                true,
            ),
            rating(
                "transparency",
                "办事流程和收费标准公开透明",
                "Procedures and fees are published and clear",
                false,
            ),
            rating(
                "integrity",
                "工作人员廉洁自律",
                "The staff's integrity",
                false,
            ),
            when_dissatisfied(reasons),
            comment(
                "您对该单位还有什么意见和建议?",
                "Any other comments or suggestions for this unit?",
            ),
        ],
        scales: std::collections::BTreeMap::new(),
    }
}

fn village() -> FormDefinition {
    FormDefinition {
        title: Localized::new(
            "村务工作群众满意度测评",
            "Residents' satisfaction with village affairs",
        ),
        description: Some(Localized::new(
            "请根据过去一年的实际感受填写。本问卷匿名填写,调查员不会询问您的姓名。",
            "Answer from your experience over the past year. The survey is anonymous; nobody will ask for your name.",
        )),
        questions: vec![
            rating(
                "overall",
                "您对本村村务工作的总体评价",
                "Overall, how satisfied are you with how the village's affairs are run?",
                true,
            ),
            rating(
                "openness",
                "村务公开(重大事项、惠民政策)",
                "Open village affairs (major decisions, support policies)",
                true,
            ),
            rating(
                "finances",
                "村级财务公开和集体资产管理",
                "Open village finances and management of collective assets",
                true,
            ),
            rating(
                "cadres",
                "村干部的工作作风",
                "The conduct of the village cadres",
                true,
            ),
            rating(
                "services",
                "为民办事和便民服务",
                "Help with residents' matters and services",
                false,
            ),
            when_dissatisfied(question(
                "dissatisfied_aspects",
                "您不满意的主要是哪些方面?",
                "What are you mainly dissatisfied with?",
                true,
                QuestionKind::MultipleChoice {
                    options: vec![
                        option("not_open", "村务不公开或公开不及时", "Affairs not made public, or late"),
                        option("finances", "财务不清楚", "Unclear finances"),
                        option("decisions", "重大事项未经村民议事", "Major decisions taken without residents"),
                        option("conduct", "村干部作风不实", "Cadres' poor conduct"),
                        option("services", "办事难", "Hard to get things done"),
                        option("other", "其他", "Other"),
                    ],
                    min: None,
                    max: None,
                },
            )),
            comment(
                "您对本村村务工作还有什么意见和建议?",
                "Any other comments or suggestions on the village's affairs?",
            ),
        ],
        scales: std::collections::BTreeMap::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_a_valid_form_in_both_languages() {
        for t in Template::ALL {
            assert_eq!(Template::parse(t.as_str()), Some(t));
            let Some(form) = t.form() else {
                assert_eq!(t, Template::Blank);
                continue;
            };
            form.check().unwrap_or_else(|p| panic!("{t:?}: {p:?}"));
            assert!(form.title.en.is_some());
            for q in &form.questions {
                assert!(q.label.en.is_some(), "{t:?} {}", q.id);
            }
        }
        assert_eq!(Template::parse("other"), None);
    }
}
