# Words of the files people download: column titles and values of the exports.

## The answer export (answers.csv)
export-answers-version = 版本
export-answers-target-unit = 被测评单位
export-answers-target-unit-id = 被测评单位编号
export-answers-respondent-unit = 受访者所在村(社区)
export-answers-respondent-unit-id = 受访者所在村(社区)编号
export-answers-channel = 收集方式
export-answers-day = 日期
export-answers-channel-web = 网上填写
export-answers-channel-field = 当面询问
export-answers-channel-paper = 纸质问卷
