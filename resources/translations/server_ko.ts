<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>AdminWindow</name>
    <message>
        <source>RoomChat Server — {address}</source>
        <translation>RoomChat 서버 — {address}</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>참여자</translation>
    </message>
    <message>
        <source>Members of {room}</source>
        <translation>{room}의 참여자</translation>
    </message>
    <message>
        <source>Stop the server</source>
        <translation>서버 멈추기</translation>
    </message>
    <message>
        <source>{count} people are connected. Stop the server and disconnect them all?</source>
        <translation>{count}명이 접속해 있습니다. 서버를 멈추고 모두의 연결을 끊을까요?</translation>
    </message>
    <message>
        <source>Shutting down…</source>
        <translation>멈추는 중…</translation>
    </message>
    <message>
        <source>RoomChat Server</source>
        <translation>RoomChat 서버</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Listening on</source>
        <translation>수신 주소</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>연결</translation>
    </message>
    <message>
        <source>Users logged in</source>
        <translation>로그인한 사용자</translation>
    </message>
    <message>
        <source>Open rooms</source>
        <translation>열린 방</translation>
    </message>
    <message>
        <source>Close the selected room: its members are told and disconnected</source>
        <translation>선택한 방을 닫습니다: 참여자에게 알리고 연결을 끊습니다</translation>
    </message>
    <message>
        <source>&amp;Close room…</source>
        <translation>방 닫기(&amp;C)…</translation>
    </message>
    <message>
        <source>Remove the selected member from the room</source>
        <translation>선택한 참여자를 방에서 내보냅니다</translation>
    </message>
    <message>
        <source>&amp;Kick…</source>
        <translation>내보내기(&amp;K)…</translation>
    </message>
    <message>
        <source>Event log</source>
        <translation>이벤트 기록</translation>
    </message>
    <message>
        <source>&amp;Rooms</source>
        <translation>방(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Operators</source>
        <translation>운영자(&amp;O)</translation>
    </message>
    <message>
        <source>Operators may moderate every room. A change takes effect when the person next logs in.</source>
        <translation>운영자는 모든 방을 관리할 수 있습니다. 변경 사항은 그 사람이 다음에 로그인할 때 적용됩니다.</translation>
    </message>
    <message>
        <source>Accou&amp;nt:</source>
        <translation>계정(&amp;N):</translation>
    </message>
    <message>
        <source>An account's name</source>
        <translation>계정 이름</translation>
    </message>
    <message>
        <source>&amp;Grant operator</source>
        <translation>운영자로 지정(&amp;G)</translation>
    </message>
    <message>
        <source>Re&amp;voke</source>
        <translation>해제(&amp;V)</translation>
    </message>
    <message>
        <source>Re&amp;ports</source>
        <translation>신고(&amp;P)</translation>
    </message>
    <message>
        <source>Messages members reported, newest first</source>
        <translation>참여자가 신고한 메시지, 최신순</translation>
    </message>
    <message>
        <source>Close the selected report without acting on it</source>
        <translation>선택한 신고를 조치 없이 닫습니다</translation>
    </message>
    <message>
        <source>&amp;Dismiss report</source>
        <translation>신고 닫기(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Audit log</source>
        <translation>감사 기록(&amp;A)</translation>
    </message>
    <message>
        <source>Every moderation act, newest first</source>
        <translation>모든 관리 조치, 최신순</translation>
    </message>
    <message>
        <source>D&amp;uration:</source>
        <translation>기간(&amp;U):</translation>
    </message>
    <message>
        <source>How long a mute or a ban from this tab lasts</source>
        <translation>이 탭에서 하는 음소거나 차단이 지속되는 시간</translation>
    </message>
    <message>
        <source>R&amp;eason:</source>
        <translation>사유(&amp;E):</translation>
    </message>
    <message>
        <source>The reason the banned member is given</source>
        <translation>차단된 참여자에게 알리는 사유</translation>
    </message>
    <message>
        <source>Delete the reported message for every member</source>
        <translation>신고된 메시지를 모든 참여자에게서 삭제합니다</translation>
    </message>
    <message>
        <source>De&amp;lete message</source>
        <translation>메시지 삭제(&amp;L)</translation>
    </message>
    <message>
        <source>Mute the message&apos;s author in its room for the duration chosen</source>
        <translation>메시지 작성자를 그 방에서 선택한 기간 동안 음소거합니다</translation>
    </message>
    <message>
        <source>&amp;Mute author</source>
        <translation>작성자 음소거(&amp;M)</translation>
    </message>
    <message>
        <source>Ban the message&apos;s author from its room for the duration chosen</source>
        <translation>메시지 작성자를 그 방에서 선택한 기간 동안 차단합니다</translation>
    </message>
    <message>
        <source>&amp;Ban author</source>
        <translation>작성자 차단(&amp;B)</translation>
    </message>
    <message>
        <source>F&amp;ilter by room:</source>
        <translation>방으로 거르기(&amp;I):</translation>
    </message>
    <message>
        <source>Show the acts of one room only</source>
        <translation>한 방의 조치만 보여 줍니다</translation>
    </message>
</context>
<context>
    <name>RoomsModel</name>
    <message>
        <source>Room</source>
        <translation>방</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>포트</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>참여자</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>입장</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>개설자</translation>
    </message>
    <message>
        <source>Opened at</source>
        <translation>연 시각</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>잠김</translation>
    </message>
    <message>
        <source>open</source>
        <translation>공개</translation>
    </message>
</context>
<context>
    <name>ModerationTabs</name>
    <message>
        <source>When</source>
        <translation>시각</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>방</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>신고자</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>작성자</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>메시지</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>사유</translation>
    </message>
    <message>
        <source>By</source>
        <translation>조치한 사람</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>조치</translation>
    </message>
    <message>
        <source>Whom</source>
        <translation>대상</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>세부 사항</translation>
    </message>
    <message>
        <source>There is no account called {name}</source>
        <translation>{name}(이)라는 계정이 없습니다</translation>
    </message>
    <message>
        <source>{name} is an operator already</source>
        <translation>{name} 님은 이미 운영자입니다</translation>
    </message>
    <message>
        <source>{name} is not an operator</source>
        <translation>{name} 님은 운영자가 아닙니다</translation>
    </message>
    <message>
        <source>{name} is an operator from their next login</source>
        <translation>{name} 님은 다음 로그인부터 운영자입니다</translation>
    </message>
    <message>
        <source>{name} is no longer an operator from their next login</source>
        <translation>{name} 님은 다음 로그인부터 운영자가 아닙니다</translation>
    </message>
    <message>
        <source>(deleted)</source>
        <translation>(삭제됨)</translation>
    </message>
    <message>
        <source>Report dismissed</source>
        <translation>신고를 닫았습니다</translation>
    </message>
    <message>
        <source>That report was closed already</source>
        <translation>이미 닫힌 신고입니다</translation>
    </message>
    <message>
        <source>kicked</source>
        <translation>내보냄</translation>
    </message>
    <message>
        <source>banned</source>
        <translation>차단함</translation>
    </message>
    <message>
        <source>unbanned</source>
        <translation>차단 해제함</translation>
    </message>
    <message>
        <source>muted</source>
        <translation>발언 금지함</translation>
    </message>
    <message>
        <source>unmuted</source>
        <translation>발언 금지 해제함</translation>
    </message>
    <message>
        <source>changed the role of</source>
        <translation>역할 변경</translation>
    </message>
    <message>
        <source>handed the room to</source>
        <translation>방장 넘김</translation>
    </message>
    <message>
        <source>deleted a message of</source>
        <translation>메시지 삭제</translation>
    </message>
    <message>
        <source>changed the settings</source>
        <translation>설정 변경</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes}분</translation>
    </message>
    <message>
        <source>the admin window</source>
        <translation>관리 창</translation>
    </message>
    <message>
        <source>All rooms</source>
        <translation>모든 방</translation>
    </message>
</context>
<context>
    <name>RoomActions</name>
    <message>
        <source>Delete the persistent room “{name}” (port {port})? Its {count} member(s) will be disconnected, and it will not open again.</source>
        <translation>상설 방 “{name}”(포트 {port})을 삭제할까요? 참여자 {count}명의 연결이 끊기고, 이 방은 다시 열리지 않습니다.</translation>
    </message>
    <message>
        <source>Close the room “{name}” (port {port})? Its {count} member(s) will be disconnected.</source>
        <translation>“{name}” 방(포트 {port})을 닫을까요? 참여자 {count}명의 연결이 끊깁니다.</translation>
    </message>
    <message>
        <source>Close room</source>
        <translation>방 닫기</translation>
    </message>
    <message>
        <source>Closed the room “{name}”</source>
        <translation>“{name}” 방을 닫았습니다</translation>
    </message>
    <message>
        <source>“{name}” has closed already</source>
        <translation>“{name}” 방은 이미 닫혔습니다</translation>
    </message>
    <message>
        <source>The room “{name}” could not be closed (see the event log)</source>
        <translation>“{name}” 방을 닫지 못했습니다(이벤트 기록을 보세요)</translation>
    </message>
    <message>
        <source>Kick</source>
        <translation>내보내기</translation>
    </message>
    <message>
        <source>Remove {member} from the room “{room}”?</source>
        <translation>{member}님을 “{room}” 방에서 내보낼까요?</translation>
    </message>
    <message>
        <source>Removed {member} from “{room}”</source>
        <translation>{member}님을 “{room}” 방에서 내보냈습니다</translation>
    </message>
    <message>
        <source>{member} is no longer in “{room}”</source>
        <translation>{member}님은 이미 “{room}” 방에 없습니다</translation>
    </message>
</context>
<context>
    <name>ReportActions</name>
    <message>
        <source>10 minutes</source>
        <translation>10분</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1시간</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1일</translation>
    </message>
    <message>
        <source>For good</source>
        <translation>영구히</translation>
    </message>
    <message>
        <source>Delete this message of {author} in “{room}” for every member?</source>
        <translation>“{room}” 방의 {author} 님 메시지를 모든 참여자에게서 삭제할까요?</translation>
    </message>
    <message>
        <source>Delete message</source>
        <translation>메시지 삭제</translation>
    </message>
    <message>
        <source>Mute {author} in “{room}” ({duration})?</source>
        <translation>“{room}” 방에서 {author} 님을 음소거할까요? ({duration})</translation>
    </message>
    <message>
        <source>Mute author</source>
        <translation>작성자 음소거</translation>
    </message>
    <message>
        <source>Ban {author} from “{room}” ({duration})?</source>
        <translation>“{room}” 방에서 {author} 님을 차단할까요? ({duration})</translation>
    </message>
    <message>
        <source>Ban author</source>
        <translation>작성자 차단</translation>
    </message>
    <message>
        <source>That could not be done (the report is closed or the room is gone)</source>
        <translation>할 수 없었습니다 (신고가 이미 닫혔거나 방이 없어졌습니다)</translation>
    </message>
    <message>
        <source>Message deleted; report closed</source>
        <translation>메시지를 삭제하고 신고를 닫았습니다</translation>
    </message>
    <message>
        <source>Author muted; report closed</source>
        <translation>작성자를 음소거하고 신고를 닫았습니다</translation>
    </message>
    <message>
        <source>Author banned; report closed</source>
        <translation>작성자를 차단하고 신고를 닫았습니다</translation>
    </message>
</context>
</TS>
