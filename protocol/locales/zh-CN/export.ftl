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

## The results tables (CSV and XLSX): column titles, row labels and notes
export-unit = 单位
export-responses = 答卷
export-satisfaction-rate = 满意率
export-composite-score = 综合得分
export-rank = 排名
export-total = 合计
export-question = 问题
export-option = 选项
export-count = 人数
export-share = 占比
export-figure-satisfaction-rate = 满意率
export-figure-score = 得分
export-figure-mean = 平均
export-village = 村(社区)
export-village-not-stated = 未填写
export-week-of = 周一
export-comment = 意见
export-subject = 对象
export-position = 职务
export-group = 类别
export-abstained = 弃权
export-score = 得分
export-grade = 等次
export-group-all = 合计
export-group-weighted = 加权
export-codes-issued = 测评码发出
export-codes-used = 测评码已用
export-paper-issued = 纸质票发出
export-paper-returned = 纸质票收回
export-valid = 有效票
export-invalid = 废票
export-flag = 警示
export-numbers = 依据
export-note = 说明
export-xlsx-note-exact = 隐藏的格子写明隐藏原因;标黄的精确数字领导看不到。
export-xlsx-note = 隐藏的格子写明隐藏原因。
