# 外业采集离线应用(/field)的用语。变量写作 { $name },只用简单变量(不用选择器),由应用自行填入。

field-title = 外业采集
field-loading = 正在加载……
field-needs-script = 本应用需要启用 JavaScript。请改用笔记本电脑上的 canvass 客户端。
field-not-found-heading = 未找到
field-not-found = 外业采集应用没有这个文件。
field-other-language = English
field-online = 在线
field-offline = 离线:回答保存在本机

## 登录

field-signin-heading = 登录
field-signin-note = 有网络时登录一次,之后无网络也能使用。
field-signin-kept = 之前采集的 { $count } 份回答仍保存在本机,下次上传时发送。
field-username = 账号
field-password = 密码
field-device = 本机名称
field-device-default = 外业手机
field-signin = 登录
field-signin-offline = 没有网络:首次登录需要联网。
field-signed-in-as = 已登录:{ $name }
field-signout = 退出登录(待上传的回答仍保留在本机)

## 存储

field-storage-not-persistent = 浏览器未承诺长期保存本应用的数据:手机空间不足时可能删除待上传的回答。请及时上传,或将应用添加到主屏幕。
field-storage-low = 手机存储空间即将用完:请立即上传待发送的回答。

## 待上传

field-queue-heading = 待上传
field-queue-count = 待上传 { $count } 份
field-queue-oldest = 最早一份:{ $age }
field-queue-last-push = 上次上传:{ $outcome }
field-age-minutes = { $count } 分钟前
field-age-hours = { $count } 小时前
field-age-days = { $count } 天前
field-push = 立即上传
field-push-never = 从未上传
field-push-stored = 服务器已保存 { $count } 份,已从本机删除。
field-push-set-aside = { $count } 份被拒收,已放在下方待处理。
field-push-nothing = 没有需要上传的内容。
field-push-offline = 没有网络:没有丢失任何内容,下次上传时发送同一批。
field-push-later = 服务器暂时无法接收({ $message }),下次上传时发送同一批。
field-push-signin = 登录已过期或被撤销:请重新登录后再上传。没有丢失任何内容。
field-push-foreign-receipt = 服务器确认的不是刚发送的那一批,本机没有删除任何内容。请告知组织部门。

## 问卷

field-surveys-heading = 问卷
field-pulled-at = 更新于 { $at }
field-no-surveys = 您的单位目前没有开放的问卷。请在有网络时更新。
field-pull = 更新问卷
field-pull-done = { $surveys } 份问卷可离线采集。
field-pull-unchanged = 问卷已是最新。
field-pull-offline = 没有网络:本机已有的问卷仍可采集。
field-resume = 继续未完成的回答
field-draft-discard-confirm = 本机还有另一份未完成的回答。放弃它并开始这一份吗?

## 采集

field-back = ← 返回
field-target = 测评对象
field-choose-target = 请选择本次回答所评价的单位。
field-village = 受访者居住地(选填)
field-village-none = 不填
field-channel = 采集方式
field-channel-field = 当面询问
field-channel-paper = 录入纸质问卷
field-finish = 保存,开始下一位受访者
field-collect-problems = 有 { $count } 处回答需要修改后才能保存。
field-saved = 已保存在本机。待上传 { $count } 份。

## 被拒收的内容

field-refused-heading = 待处理({ $count })
field-refused-retry = 重新发送
field-refused-discard = 删除
field-refused-discard-confirm = 确定永久删除这一份吗?
field-refused-fix = 修改回答
field-item-closed = 问卷已结束:这些回答无法再计入,请删除。
field-item-not-open = 问卷尚未开始:开始后请重新发送。
field-item-version = 服务器上的问卷已更改:请更新问卷后重新采集,并删除这一份。
field-item-target = 该单位已不在本问卷的测评对象中:请删除,或咨询组织部门。
field-item-gone = 问卷或测评已不存在:请删除。
field-item-scope = 该问卷不在您负责的单位范围内:请咨询组织部门。
field-item-day = 采集日期不被接受(请检查手机日期):请删除或咨询组织部门。
field-item-round = 该测评已不再接收计票单:请咨询组织部门。
field-item-sheet-exists = 该会场的计票单已录入:由组织部门更正。
field-item-counts = 计票单的数字对不上:请核对纸质计票单。
field-item-answers = 回答与服务器上的问卷不符:请更新问卷后重新采集。
field-item-other = 服务器拒收了这一份:

## 纸质计票单

field-rounds-heading = 民主测评计票单
field-sheet-heading = 计票单
field-sheet-note = 按计票人在纸质计票单上填写的数字录入;空格按0计。
field-sheet-station = 投票点
field-sheet-group = 测评人类别
field-sheet-ballots = 票数
field-sheet-issued = 发出
field-sheet-returned = 收回
field-sheet-valid = 有效
field-sheet-invalid = 废票
field-sheet-abstentions = 弃权
field-sheet-save = 保存计票单
field-sheet-saved = 计票单已保存在本机。
field-sheet-void = 收回票数多于发出票数:该投票点的投票作废,须重新投票。
field-sheet-resume = 继续未完成的计票单
field-sheet-station-missing = 请填写投票点名称。
field-sheet-count-invalid = { $what }:请填写0到{ $max }之间的整数。
field-sheet-valid-invalid = 有效票{ $valid }张加废票{ $invalid }张应等于收回票{ $returned }张。
field-sheet-subject-sum = { $name }:各等次票数加弃权票共{ $sum }张,而有效票是{ $valid }张,两者应相等。
field-sheet-quota = “{ $grade }”票数超过规定(每张票最多{ $max }个):请核对纸质计票单。
