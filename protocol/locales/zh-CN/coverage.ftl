# 走访覆盖:测评到了哪些村(社区)(覆盖情况页面、外业客户端)。

coverage-title = { $survey }：走访覆盖情况
coverage-rule = 不足 { $group } 份答卷的数字不显示，与测评结果相同。
coverage-rule-exact = 以下为准确数字。领导看到的数字中，不足 { $group } 份答卷的不显示，与测评结果相同。
coverage-summary = { $villages } 个村(社区)中，{ $missing } 个尚无答卷。
coverage-area-missing = { $villages } 个中 { $missing } 个尚无答卷
coverage-back = 返回测评结果
coverage-link = 走访覆盖：全部村(社区)，含尚无答卷的
coverage-not-stated = 未填写所在村(社区)的答卷
coverage-none = 尚无
coverage-no-villages = 您的辖区内没有参加本测评的村(社区)。
