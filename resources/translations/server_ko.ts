<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>AdminWindow</name>
    <message>
        <location filename="../../app/server/admin/window.py" line="99"/>
        <source>RoomChat Server — {address}</source>
        <translation>RoomChat 서버 — {address}</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/window.py" line="228"/>
        <location filename="../../forms/admin_window.ui" line="389"/>
        <source>Members</source>
        <translation>참여자</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/window.py" line="230"/>
        <source>Members of {room} (on the node {node})</source>
        <translation>{room}의 참여자 (노드 {node})</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/window.py" line="233"/>
        <source>Members of {room}</source>
        <translation>{room}의 참여자</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/window.py" line="297"/>
        <location filename="../../app/server/admin/window.py" line="302"/>
        <source>Stop the server</source>
        <translation>서버 멈추기</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/window.py" line="299"/>
        <source>{count} people are connected. Stop the server and disconnect them all?</source>
        <translation>{count}명이 접속해 있습니다. 서버를 멈추고 모두의 연결을 끊을까요?</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/window.py" line="306"/>
        <source>Shutting down…</source>
        <translation>멈추는 중…</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="14"/>
        <source>RoomChat Server</source>
        <translation>RoomChat 서버</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="24"/>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="33"/>
        <source>Listening on</source>
        <translation>수신 주소</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="74"/>
        <source>Connections</source>
        <translation>연결</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="112"/>
        <source>Users logged in</source>
        <translation>로그인한 사용자</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="150"/>
        <location filename="../../forms/admin_window.ui" line="212"/>
        <source>Open rooms</source>
        <translation>열린 방</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="376"/>
        <source>Close the selected room: its members are told and disconnected</source>
        <translation>선택한 방을 닫습니다: 참여자에게 알리고 연결을 끊습니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="379"/>
        <source>&amp;Close room…</source>
        <translation>방 닫기(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="570"/>
        <source>Remove the selected member from the room</source>
        <translation>선택한 참여자를 방에서 내보냅니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="573"/>
        <source>&amp;Kick…</source>
        <translation>내보내기(&amp;K)…</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="614"/>
        <source>Event log</source>
        <translation>이벤트 기록</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="192"/>
        <source>&amp;Rooms</source>
        <translation>방(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="251"/>
        <source>Slo&amp;w mode:</source>
        <translation>슬로 모드(&amp;W):</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="261"/>
        <source>Seconds each member waits between messages (0: off; moderators are exempt)</source>
        <translation>멤버가 메시지 사이에 기다려야 하는 초 (0: 끔, 관리자는 예외)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="264"/>
        <source>off</source>
        <translation>끔</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="267"/>
        <source> s</source>
        <translation>초</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="277"/>
        <source>Only the owner and moderators may speak</source>
        <translation>방장과 관리자만 말할 수 있습니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="287"/>
        <source>Nobody new may enter, even with the password</source>
        <translation>비밀번호가 있어도 새로 아무도 들어올 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="314"/>
        <source>Password:</source>
        <translation>비밀번호:</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="324"/>
        <source>A new password for the room (4 to 128 characters); empty: leave it as it is</source>
        <translation>방의 새 비밀번호 (4~128자). 비워 두면 그대로 둡니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="330"/>
        <source>unchanged</source>
        <translation>변경 없음</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="337"/>
        <source>Open the room to anyone with a ticket</source>
        <translation>입장권이 있는 누구에게나 방을 엽니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="363"/>
        <source>Change the selected room&apos;s settings as the server</source>
        <translation>선택한 방의 설정을 서버로서 바꿉니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="454"/>
        <source>The member chosen above, or any account&apos;s name (to unban someone who is not here)</source>
        <translation>위에서 고른 멤버, 또는 아무 계정 이름 (여기 없는 사람의 차단을 풀 때)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="457"/>
        <source>A member&apos;s name</source>
        <translation>멤버 이름</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="474"/>
        <source>How long a mute or a ban lasts</source>
        <translation>음소거나 차단이 지속되는 기간</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="481"/>
        <source>Rea&amp;son:</source>
        <translation>사유(&amp;S):</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="491"/>
        <source>The reason given with a mute or a ban</source>
        <translation>음소거나 차단과 함께 알리는 사유</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="505"/>
        <source>Mute the member named for the duration chosen: they stay and read</source>
        <translation>이름의 멤버를 선택한 기간 동안 음소거합니다: 방에 남아 읽을 수 있습니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="518"/>
        <source>Let the member named speak again</source>
        <translation>이름의 멤버가 다시 말할 수 있게 합니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="531"/>
        <source>Ban the member named from the room for the duration chosen</source>
        <translation>이름의 멤버를 선택한 기간 동안 방에서 차단합니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="544"/>
        <source>Lift the ban on the name</source>
        <translation>그 이름의 차단을 풉니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="557"/>
        <source>Make the member named a moderator of the room</source>
        <translation>이름의 멤버를 방의 관리자로 만듭니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="583"/>
        <source>Make the member named a plain member again</source>
        <translation>이름의 멤버를 다시 일반 멤버로 만듭니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="596"/>
        <source>Hand the room to the member named</source>
        <translation>이름의 멤버에게 방을 넘깁니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="599"/>
        <source>Trans&amp;fer owner…</source>
        <translation>방장 넘기기(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="641"/>
        <source>&amp;Nodes</source>
        <translation>노드(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="647"/>
        <source>The servers sharing this database. Each renews its lease while it runs; a node whose lease ran out is forgotten, and its persistent rooms move to a live node.</source>
        <translation>이 데이터베이스를 함께 쓰는 서버입니다. 각 서버는 실행되는 동안 임대를 갱신하며, 임대가 만료된 노드는 목록에서 빠지고 그 영구 방은 살아 있는 노드로 옮겨집니다.</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="686"/>
        <source>&amp;Operators</source>
        <translation>운영자(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="692"/>
        <source>Operators may moderate every room. A change takes effect when the person next logs in.</source>
        <translation>운영자는 모든 방을 관리할 수 있습니다. 변경 사항은 그 사람이 다음에 로그인할 때 적용됩니다.</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="714"/>
        <source>Accou&amp;nt:</source>
        <translation>계정(&amp;N):</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="724"/>
        <source>An account&apos;s name</source>
        <translation>계정 이름</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="734"/>
        <source>&amp;Grant operator</source>
        <translation>운영자로 지정(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="744"/>
        <source>Re&amp;voke</source>
        <translation>해제(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="754"/>
        <source>Re&amp;ports</source>
        <translation>신고(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="760"/>
        <source>Messages members reported, newest first</source>
        <translation>참여자가 신고한 메시지, 최신순</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="834"/>
        <source>Close the selected report without acting on it</source>
        <translation>선택한 신고를 조치 없이 닫습니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="837"/>
        <source>&amp;Dismiss report</source>
        <translation>신고 닫기(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="886"/>
        <source>&amp;Audit log</source>
        <translation>감사 기록(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="926"/>
        <source>Every moderation act, newest first</source>
        <translation>모든 관리 조치, 최신순</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="784"/>
        <source>D&amp;uration:</source>
        <translation>기간(&amp;U):</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="280"/>
        <source>Read-only</source>
        <translation>읽기 전용</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="290"/>
        <source>Locked doors</source>
        <translation>문 잠금</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="340"/>
        <source>Remove t&amp;he password</source>
        <translation>비밀번호 없애기(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="366"/>
        <source>Appl&amp;y settings</source>
        <translation>설정 적용(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="444"/>
        <source>Name:</source>
        <translation>이름:</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="464"/>
        <source>Duration:</source>
        <translation>기간:</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="508"/>
        <source>Mu&amp;te…</source>
        <translation>음소거(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="521"/>
        <source>Unmute</source>
        <translation>음소거 해제</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="534"/>
        <source>Ban…</source>
        <translation>차단…</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="547"/>
        <source>Unban</source>
        <translation>차단 해제</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="560"/>
        <source>Make moderator</source>
        <translation>관리자로 지정</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="586"/>
        <source>Make member</source>
        <translation>일반 멤버로</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="794"/>
        <source>How long a mute or a ban from this tab lasts</source>
        <translation>이 탭에서 하는 음소거나 차단이 지속되는 시간</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="801"/>
        <source>R&amp;eason:</source>
        <translation>사유(&amp;E):</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="811"/>
        <source>The reason the banned member is given</source>
        <translation>차단된 참여자에게 알리는 사유</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="847"/>
        <source>Delete the reported message for every member</source>
        <translation>신고된 메시지를 모든 참여자에게서 삭제합니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="850"/>
        <source>De&amp;lete message</source>
        <translation>메시지 삭제(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="860"/>
        <source>Mute the message&apos;s author in its room for the duration chosen</source>
        <translation>메시지 작성자를 그 방에서 선택한 기간 동안 음소거합니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="863"/>
        <source>&amp;Mute author</source>
        <translation>작성자 음소거(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="873"/>
        <source>Ban the message&apos;s author from its room for the duration chosen</source>
        <translation>메시지 작성자를 그 방에서 선택한 기간 동안 차단합니다</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="876"/>
        <source>&amp;Ban author</source>
        <translation>작성자 차단(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="894"/>
        <source>F&amp;ilter by room:</source>
        <translation>방으로 거르기(&amp;I):</translation>
    </message>
    <message>
        <location filename="../../forms/admin_window.ui" line="904"/>
        <source>Show the acts of one room only</source>
        <translation>한 방의 조치만 보여 줍니다</translation>
    </message>
</context>
<context>
    <name>ModerationTabs</name>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="94"/>
        <location filename="../../app/server/admin/moderation_tabs.py" line="99"/>
        <source>When</source>
        <translation>시각</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="94"/>
        <location filename="../../app/server/admin/moderation_tabs.py" line="99"/>
        <source>Room</source>
        <translation>방</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="94"/>
        <source>Reporter</source>
        <translation>신고자</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="94"/>
        <source>Author</source>
        <translation>작성자</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="95"/>
        <source>Message</source>
        <translation>메시지</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="95"/>
        <source>Reason</source>
        <translation>사유</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="99"/>
        <source>By</source>
        <translation>조치한 사람</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="99"/>
        <source>Action</source>
        <translation>조치</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="100"/>
        <source>Whom</source>
        <translation>대상</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="100"/>
        <source>Details</source>
        <translation>세부 사항</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="175"/>
        <source>There is no account called {name}</source>
        <translation>{name}(이)라는 계정이 없습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="178"/>
        <source>{name} is an operator already</source>
        <translation>{name} 님은 이미 운영자입니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="180"/>
        <source>{name} is not an operator</source>
        <translation>{name} 님은 운영자가 아닙니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="184"/>
        <source>{name} is an operator from their next login</source>
        <translation>{name} 님은 다음 로그인부터 운영자입니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="186"/>
        <source>{name} is no longer an operator from their next login</source>
        <translation>{name} 님은 다음 로그인부터 운영자가 아닙니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="202"/>
        <source>(deleted)</source>
        <translation>(삭제됨)</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="220"/>
        <source>Report dismissed</source>
        <translation>신고를 닫았습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="222"/>
        <source>That report was closed already</source>
        <translation>이미 닫힌 신고입니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="228"/>
        <source>kicked</source>
        <translation>내보냄</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="229"/>
        <source>banned</source>
        <translation>차단함</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="230"/>
        <source>unbanned</source>
        <translation>차단 해제함</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="231"/>
        <source>muted</source>
        <translation>발언 금지함</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="232"/>
        <source>unmuted</source>
        <translation>발언 금지 해제함</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="233"/>
        <source>changed the role of</source>
        <translation>역할 변경</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="234"/>
        <source>handed the room to</source>
        <translation>방장 넘김</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="235"/>
        <source>deleted a message of</source>
        <translation>메시지 삭제</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="236"/>
        <source>changed the settings</source>
        <translation>설정 변경</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="243"/>
        <source>{minutes} min</source>
        <translation>{minutes}분</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="272"/>
        <source>the admin window</source>
        <translation>관리 창</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/moderation_tabs.py" line="89"/>
        <source>All rooms</source>
        <translation>모든 방</translation>
    </message>
</context>
<context>
    <name>NodesModel</name>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="41"/>
        <source>Node</source>
        <translation>노드</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="42"/>
        <source>Advertised host</source>
        <translation>알리는 호스트</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="43"/>
        <source>Main port</source>
        <translation>주 포트</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="44"/>
        <source>Open rooms</source>
        <translation>열린 방</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="45"/>
        <source>Members</source>
        <translation>참여자</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="46"/>
        <source>Lease</source>
        <translation>임대</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="117"/>
        <source>this server</source>
        <translation>이 서버</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="118"/>
        <source>{node} (this node)</source>
        <translation>{node} (이 노드)</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="128"/>
        <source>none (SQLite)</source>
        <translation>없음 (SQLite)</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="129"/>
        <source>live</source>
        <translation>유효</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="129"/>
        <source>expired</source>
        <translation>만료</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="133"/>
        <source>On SQLite one server uses the database: there are no other nodes</source>
        <translation>SQLite에서는 서버 하나만 데이터베이스를 씁니다: 다른 노드는 없습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="135"/>
        <source>The node renews its lease every third of --node-lease</source>
        <translation>노드는 --node-lease의 3분의 1마다 임대를 갱신합니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/node_model.py" line="136"/>
        <source>The node stopped renewing its lease: its rooms are being taken over</source>
        <translation>노드가 임대 갱신을 멈췄습니다: 그 방은 다른 노드가 넘겨받는 중입니다</translation>
    </message>
</context>
<context>
    <name>NodesTab</name>
    <message>
        <location filename="../../app/server/admin/nodes_tab.py" line="48"/>
        <source>This server keeps its rooms in an SQLite file, which only one server may use: it is the only node. Servers sharing a PostgreSQL database (--db postgresql://…) are listed here, each with its load.</source>
        <translation>이 서버는 방을 SQLite 파일에 보관하며, 이 파일은 서버 하나만 쓸 수 있으므로 이 서버가 유일한 노드입니다. PostgreSQL 데이터베이스(--db postgresql://…)를 함께 쓰는 서버들은 각자의 부하와 함께 여기에 표시됩니다.</translation>
    </message>
</context>
<context>
    <name>ReportActions</name>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="40"/>
        <source>10 minutes</source>
        <translation>10분</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="40"/>
        <source>1 hour</source>
        <translation>1시간</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="40"/>
        <source>1 day</source>
        <translation>1일</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="40"/>
        <source>For good</source>
        <translation>영구히</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="77"/>
        <source>Delete this message of {author} in “{room}” for every member?</source>
        <translation>“{room}” 방의 {author} 님 메시지를 모든 참여자에게서 삭제할까요?</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="79"/>
        <source>Delete message</source>
        <translation>메시지 삭제</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="90"/>
        <source>Mute {author} in “{room}” ({duration})?</source>
        <translation>“{room}” 방에서 {author} 님을 음소거할까요? ({duration})</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="92"/>
        <source>Mute author</source>
        <translation>작성자 음소거</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="104"/>
        <source>Ban {author} from “{room}” ({duration})?</source>
        <translation>“{room}” 방에서 {author} 님을 차단할까요? ({duration})</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="106"/>
        <source>Ban author</source>
        <translation>작성자 차단</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="114"/>
        <source>That could not be done (the report is closed or the room is gone)</source>
        <translation>할 수 없었습니다 (신고가 이미 닫혔거나 방이 없어졌습니다)</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="116"/>
        <source>Message deleted; report closed</source>
        <translation>메시지를 삭제하고 신고를 닫았습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="118"/>
        <source>Author muted; report closed</source>
        <translation>작성자를 음소거하고 신고를 닫았습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/report_actions.py" line="120"/>
        <source>Author banned; report closed</source>
        <translation>작성자를 차단하고 신고를 닫았습니다</translation>
    </message>
</context>
<context>
    <name>RoomActions</name>
    <message>
        <location filename="../../app/server/admin/room_actions.py" line="36"/>
        <source>Delete the persistent room “{name}” (port {port})? Its {count} member(s) will be disconnected, and it will not open again.</source>
        <translation>상설 방 “{name}”(포트 {port})을 삭제할까요? 참여자 {count}명의 연결이 끊기고, 이 방은 다시 열리지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_actions.py" line="41"/>
        <source>Close the room “{name}” (port {port})? Its {count} member(s) will be disconnected.</source>
        <translation>“{name}” 방(포트 {port})을 닫을까요? 참여자 {count}명의 연결이 끊깁니다.</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_actions.py" line="44"/>
        <source>Close room</source>
        <translation>방 닫기</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_actions.py" line="58"/>
        <source>Closed the room “{name}”</source>
        <translation>“{name}” 방을 닫았습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_actions.py" line="60"/>
        <source>“{name}” has closed already</source>
        <translation>“{name}” 방은 이미 닫혔습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_actions.py" line="62"/>
        <source>The room “{name}” could not be closed (see the event log)</source>
        <translation>“{name}” 방을 닫지 못했습니다(이벤트 기록을 보세요)</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_actions.py" line="73"/>
        <source>Kick</source>
        <translation>내보내기</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_actions.py" line="74"/>
        <source>Remove {member} from the room “{room}”?</source>
        <translation>{member}님을 “{room}” 방에서 내보낼까요?</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_actions.py" line="88"/>
        <source>Removed {member} from “{room}”</source>
        <translation>{member}님을 “{room}” 방에서 내보냈습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_actions.py" line="90"/>
        <source>{member} is no longer in “{room}”</source>
        <translation>{member}님은 이미 “{room}” 방에 없습니다</translation>
    </message>
</context>
<context>
    <name>RoomModeration</name>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="95"/>
        <source>10 minutes</source>
        <translation>10분</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="95"/>
        <source>1 hour</source>
        <translation>1시간</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="95"/>
        <source>1 day</source>
        <translation>1일</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="95"/>
        <source>For good</source>
        <translation>영구히</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="197"/>
        <source>Mute</source>
        <translation>음소거</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="197"/>
        <source>Mute {name} in “{room}” ({duration})?</source>
        <translation>“{room}” 방에서 {name} 님을 음소거할까요? ({duration})</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="198"/>
        <source>Ban</source>
        <translation>차단</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="198"/>
        <source>Ban {name} from “{room}” ({duration})?</source>
        <translation>“{room}” 방에서 {name} 님을 차단할까요? ({duration})</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="200"/>
        <source>Transfer owner</source>
        <translation>방장 넘기기</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="201"/>
        <source>Hand the room “{room}” to {name}? {owner} stays a moderator.</source>
        <translation>“{room}” 방을 {name} 님에게 넘길까요? {owner} 님은 관리자로 남습니다.</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="236"/>
        <source>Changed the settings of “{room}”</source>
        <translation>“{room}” 방의 설정을 바꿨습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="238"/>
        <source>Muted {name} in “{room}”</source>
        <translation>“{room}” 방에서 {name} 님을 음소거했습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="240"/>
        <source>{name} may speak in “{room}” again</source>
        <translation>{name} 님은 “{room}” 방에서 다시 말할 수 있습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="242"/>
        <source>Banned {name} from “{room}”</source>
        <translation>“{room}” 방에서 {name} 님을 차단했습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="244"/>
        <source>Lifted the ban on {name} in “{room}”</source>
        <translation>“{room}” 방에서 {name} 님의 차단을 풀었습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="246"/>
        <source>{name} is a moderator of “{room}” now</source>
        <translation>{name} 님은 이제 “{room}” 방의 관리자입니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="248"/>
        <source>{name} is a plain member of “{room}” now</source>
        <translation>{name} 님은 이제 “{room}” 방의 일반 멤버입니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="250"/>
        <source>{name} owns “{room}” now</source>
        <translation>{name} 님이 이제 “{room}” 방의 방장입니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="251"/>
        <source>Done in “{room}”</source>
        <translation>“{room}” 방에서 처리했습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="256"/>
        <source>“{room}” has closed</source>
        <translation>“{room}” 방은 닫혔습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="258"/>
        <source>{name} is not banned from “{room}”</source>
        <translation>{name} 님은 “{room}” 방에서 차단되어 있지 않습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="260"/>
        <source>{name} is not muted in “{room}”</source>
        <translation>{name} 님은 “{room}” 방에서 음소거되어 있지 않습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="262"/>
        <source>{name} is not in “{room}”</source>
        <translation>{name} 님은 “{room}” 방에 없습니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="264"/>
        <source>A room password has 4 to 128 characters</source>
        <translation>방 비밀번호는 4~128자입니다</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="266"/>
        <source>The owner of “{room}” keeps that role (hand the room over instead)</source>
        <translation>“{room}” 방의 방장은 그 역할을 유지합니다 (대신 방을 넘기세요)</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/room_moderation.py" line="269"/>
        <source>“{room}” refused that: {why}</source>
        <translation>“{room}” 방이 거절했습니다: {why}</translation>
    </message>
</context>
<context>
    <name>RoomsModel</name>
    <message>
        <location filename="../../app/server/admin/models.py" line="46"/>
        <source>Room</source>
        <translation>방</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/models.py" line="47"/>
        <source>Port</source>
        <translation>포트</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/models.py" line="48"/>
        <source>Members</source>
        <translation>참여자</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/models.py" line="49"/>
        <source>Access</source>
        <translation>입장</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/models.py" line="50"/>
        <source>Owner</source>
        <translation>개설자</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/models.py" line="51"/>
        <source>Opened at</source>
        <translation>연 시각</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/models.py" line="52"/>
        <source>Node</source>
        <translation>노드</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/models.py" line="135"/>
        <source>locked</source>
        <translation>잠김</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/models.py" line="135"/>
        <source>open</source>
        <translation>공개</translation>
    </message>
    <message>
        <location filename="../../app/server/admin/models.py" line="139"/>
        <source>{node} (this node)</source>
        <translation>{node} (이 노드)</translation>
    </message>
</context>
</TS>
