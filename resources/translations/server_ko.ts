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
        <source>Close room</source>
        <translation>방 닫기</translation>
    </message>
    <message>
        <source>Close the room “{name}” (port {port})? Its {count} member(s) will be disconnected.</source>
        <translation>“{name}” 방(포트 {port})을 닫을까요? 참여자 {count}명의 연결이 끊깁니다.</translation>
    </message>
    <message>
        <source>Delete the persistent room “{name}” (port {port})? Its {count} member(s) will be disconnected, and it will not open again.</source>
        <translation>상설 방 “{name}”(포트 {port})을 삭제할까요? 참여자 {count}명의 연결이 끊기고, 이 방은 다시 열리지 않습니다.</translation>
    </message>
    <message>
        <source>The room “{name}” could not be closed (see the event log)</source>
        <translation>“{name}” 방을 닫지 못했습니다(이벤트 기록을 보세요)</translation>
    </message>
    <message>
        <source>“{name}” has closed already</source>
        <translation>“{name}” 방은 이미 닫혔습니다</translation>
    </message>
    <message>
        <source>Closed the room “{name}”</source>
        <translation>“{name}” 방을 닫았습니다</translation>
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
</TS>
