<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>CertificateDialog</name>
    <message>
        <source>Server certificate not the one announced</source>
        <translation>알린 것과 다른 서버 인증서</translation>
    </message>
    <message>
        <source>&lt;b&gt;Warning: the server at {address} shows a certificate other than the one it announced on this network.&lt;/b&gt; RoomChat refused the connection.</source>
        <translation>&lt;b&gt;경고: {address}의 서버가 이 네트워크에 알린 것과 다른 인증서를 보였습니다.&lt;/b&gt; RoomChat이 연결을 거부했습니다.</translation>
    </message>
    <message>
        <source>Someone on this network may be pretending to be the server. Ask the server's operator which fingerprint is right.</source>
        <translation>이 네트워크의 누군가가 서버인 척하고 있을 수 있습니다. 어느 지문이 맞는지 서버 운영자에게 물어보세요.</translation>
    </message>
    <message>
        <source>Announced on this network:</source>
        <translation>이 네트워크에 알린 지문:</translation>
    </message>
    <message>
        <source>Server certificate changed</source>
        <translation>서버 인증서가 바뀜</translation>
    </message>
    <message>
        <source>&lt;b&gt;Warning: the certificate of the server at {address} has changed.&lt;/b&gt; RoomChat refused the connection.</source>
        <translation>&lt;b&gt;경고: {address} 서버의 인증서가 바뀌었습니다.&lt;/b&gt; RoomChat이 연결을 거부했습니다.</translation>
    </message>
    <message>
        <source>Ask the server's operator whether they replaced the certificate. Only if they did, forget the old one and log in again to check the new one.</source>
        <translation>서버 운영자에게 인증서를 바꾸었는지 물어보세요. 바꾸었을 때에만 예전 인증서를 잊고 다시 로그인해서 새 인증서를 확인하세요.</translation>
    </message>
    <message>
        <source>&lt;b&gt;RoomChat cannot verify the identity of the server at {address}.&lt;/b&gt;</source>
        <translation>&lt;b&gt;RoomChat이 {address} 서버의 신원을 확인할 수 없습니다.&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Trust it only if this fingerprint matches the one the server's operator gave you. Otherwise someone may be listening in.</source>
        <translation>이 지문이 서버 운영자가 알려 준 지문과 같을 때에만 신뢰하세요. 그렇지 않으면 누군가 엿듣고 있을 수 있습니다.</translation>
    </message>
    <message>
        <source>Server certificate</source>
        <translation>서버 인증서</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint:</source>
        <translation>SHA-256 지문:</translation>
    </message>
    <message>
        <source>Trusted before:</source>
        <translation>이전에 신뢰한 지문:</translation>
    </message>
    <message>
        <source>Remove the certificate you trusted for this server, so that the next login asks again</source>
        <translation>이 서버에 대해 신뢰한 인증서를 지워서, 다음 로그인 때 다시 묻게 합니다</translation>
    </message>
    <message>
        <source>&amp;Forget this server's certificate</source>
        <translation>이 서버의 인증서 잊기(&amp;F)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Accept this certificate for this connection only</source>
        <translation>이번 연결에서만 이 인증서를 받아들입니다</translation>
    </message>
    <message>
        <source>Trust &amp;once</source>
        <translation>이번만 신뢰(&amp;O)</translation>
    </message>
    <message>
        <source>Remember this certificate for this server and accept it from now on</source>
        <translation>이 서버의 인증서로 기억하고 앞으로 계속 받아들입니다</translation>
    </message>
    <message>
        <source>Trust &amp;always</source>
        <translation>항상 신뢰(&amp;A)</translation>
    </message>
</context>
<context>
    <name>ChatWindow</name>
    <message>
        <source>Perhaps not sent (the connection ended first): {text}</source>
        <translation>보내지 못했을 수 있습니다(먼저 연결이 끊어졌습니다): {text}</translation>
    </message>
    <message>
        <source>Entering the room…</source>
        <translation>방에 들어가는 중…</translation>
    </message>
    <message>
        <source>&amp;Pop out</source>
        <translation>창으로 꺼내기(&amp;P)</translation>
    </message>
    <message>
        <source>Open this room in a window of its own (Ctrl+Shift+O)</source>
        <translation>이 방을 별도의 창으로 엽니다 (Ctrl+Shift+O)</translation>
    </message>
    <message>
        <source>&amp;Put back</source>
        <translation>다시 넣기(&amp;P)</translation>
    </message>
    <message>
        <source>Put this room back into the main window (Ctrl+Shift+O)</source>
        <translation>이 방을 다시 주 창에 넣습니다 (Ctrl+Shift+O)</translation>
    </message>
    <message>
        <source>You joined the room</source>
        <translation>방에 들어왔습니다</translation>
    </message>
    <message>
        <source>{name} joined</source>
        <translation>{name} 님이 들어왔습니다</translation>
    </message>
    <message>
        <source>{name} left</source>
        <translation>{name} 님이 나갔습니다</translation>
    </message>
    <message>
        <source>the server's operator</source>
        <translation>서버 운영자</translation>
    </message>
    <message>
        <source>{name} was removed by {actor}</source>
        <translation>{actor}이(가) {name}님을 내보냈습니다</translation>
    </message>
    <message>
        <source>{reason} You can reconnect.</source>
        <translation>{reason} 다시 연결할 수 있습니다.</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>다시 연결하는 중…</translation>
    </message>
    <message>
        <source>{room} — RoomChat</source>
        <translation>{room} — RoomChat</translation>
    </message>
    <message>
        <source>Members ({count})</source>
        <translation>참여자 ({count})</translation>
    </message>
    <message>
        <source>{count} of {capacity} people</source>
        <translation>{capacity}명 중 {count}명</translation>
    </message>
    <message>
        <source>Not connected · room for {capacity} people</source>
        <translation>연결 끊김 · 정원 {capacity}명</translation>
    </message>
    <message>
        <source>Private · {info}</source>
        <translation>비공개 · {info}</translation>
    </message>
    <message>
        <source>{info} · opened by {owner}</source>
        <translation>{info} · 개설자 {owner}</translation>
    </message>
    <message>
        <source>Not pasted: that would make the message {length} characters long, and a message holds at most {limit}.</source>
        <translation>붙여 넣지 않았습니다: 메시지가 {length}자가 되는데, 메시지는 최대 {limit}자까지만 쓸 수 있습니다.</translation>
    </message>
    <message>
        <source>Leave this room (Ctrl+W)</source>
        <translation>이 방에서 나가기 (Ctrl+W)</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>나가기</translation>
    </message>
    <message>
        <source>&amp;Reconnect</source>
        <translation>다시 연결(&amp;R)</translation>
    </message>
    <message>
        <source>Write a message and press Enter (Shift+Enter for a new line)</source>
        <translation>메시지를 쓰고 Enter를 누르세요 (줄 바꿈은 Shift+Enter)</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>보내기(&amp;S)</translation>
    </message>
    <message>
        <source>{name} is typing…</source>
        <translation>{name} 님이 입력 중…</translation>
    </message>
    <message>
        <source>{first} and {second} are typing…</source>
        <translation>{first} 님과 {second} 님이 입력 중…</translation>
    </message>
    <message>
        <source>Several people are typing…</source>
        <translation>여러 사람이 입력 중…</translation>
    </message>
    <message>
        <source>({count}) {title}</source>
        <translation>({count}) {title}</translation>
    </message>
    <message>
        <location filename="../../forms/chat_window.ui" line="295"/>
        <source>Files waiting to be sent, in order</source>
        <translation>보낼 차례를 기다리는 파일(순서대로)</translation>
    </message>
    <message>
        <location filename="../../forms/chat_window.ui" line="321"/>
        <source>Stop sending the selected file (or the one being sent)</source>
        <translation>선택한 파일(또는 보내는 중인 파일) 보내기를 멈춥니다</translation>
    </message>
    <message>
        <location filename="../../forms/chat_window.ui" line="324"/>
        <source>Canc&amp;el</source>
        <translation>취소(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../forms/chat_window.ui" line="380"/>
        <source>Send a file or an image (Ctrl+U); you can also drop files here or paste an image</source>
        <translation>파일이나 이미지를 보냅니다(Ctrl+U). 파일을 여기에 끌어다 놓거나 이미지를 붙여 넣어도 됩니다</translation>
    </message>
    <message>
        <location filename="../../forms/chat_window.ui" line="383"/>
        <source>Attac&amp;h…</source>
        <translation>첨부(&amp;H)…</translation>
    </message>
    <message>
        <location filename="../../forms/chat_window.ui" line="83"/>
        <source>Change this room&apos;s topic, password, capacity and modes</source>
        <translation>이 방의 이름, 비밀번호, 정원과 모드를 바꿉니다</translation>
    </message>
    <message>
        <location filename="../../forms/chat_window.ui" line="86"/>
        <source>Room s&amp;ettings…</source>
        <translation>방 설정(&amp;E)…</translation>
    </message>
    <message>
        <source>Room settings: name, topic, password, capacity and modes (Ctrl+Shift+S)</source>
        <translation>방 설정: 이름, 주제, 비밀번호, 정원, 모드 (Ctrl+Shift+S)</translation>
    </message>
    <message>
        <source>Room settings</source>
        <translation>방 설정</translation>
    </message>
    <message>
        <source>F&amp;ind:</source>
        <translation>찾기(&amp;I):</translation>
    </message>
    <message>
        <source>Find in this room</source>
        <translation>이 방에서 찾기</translation>
    </message>
    <message>
        <source>The older match (Enter)</source>
        <translation>더 이전에 찾은 곳 (Enter)</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>이전</translation>
    </message>
    <message>
        <source>The newer match (Shift+Enter)</source>
        <translation>더 최근에 찾은 곳 (Shift+Enter)</translation>
    </message>
    <message>
        <source>Newer</source>
        <translation>최근</translation>
    </message>
    <message>
        <source>Ask the server for older messages that match</source>
        <translation>서버에 일치하는 이전 메시지를 찾아 달라고 합니다</translation>
    </message>
    <message>
        <source>Search ol&amp;der messages</source>
        <translation>이전 메시지 검색(&amp;D)</translation>
    </message>
    <message>
        <source>Close the find bar (Esc)</source>
        <translation>찾기 막대 닫기 (Esc)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
</context>
<context>
    <name>ClientApp</name>
    <message>
        <source>You have logged out.</source>
        <translation>로그아웃했습니다.</translation>
    </message>
</context>
<context>
    <name>CreateRoomDialog</name>
    <message>
        <source>A private room needs a password.</source>
        <translation>비공개 방에는 비밀번호가 필요합니다.</translation>
    </message>
    <message>
        <source>A room password has {low} to {high} characters.</source>
        <translation>방 비밀번호는 {low}~{high}자입니다.</translation>
    </message>
    <message>
        <source>Create room</source>
        <translation>방 만들기</translation>
    </message>
    <message>
        <source>Open a room that others can join. It closes by itself once it has stayed empty for a little while.</source>
        <translation>다른 사람이 들어올 수 있는 방을 엽니다. 방이 한동안 비어 있으면 저절로 닫힙니다.</translation>
    </message>
    <message>
        <source>Room &amp;name:</source>
        <translation>방 이름(&amp;N):</translation>
    </message>
    <message>
        <source>For example: Homework help</source>
        <translation>예: 숙제 도움방</translation>
    </message>
    <message>
        <source>&amp;Capacity:</source>
        <translation>정원(&amp;C):</translation>
    </message>
    <message>
        <source> people</source>
        <translation>명</translation>
    </message>
    <message>
        <source>&amp;Private room (people need a password to join)</source>
        <translation>비공개 방(&amp;P) (들어오려면 비밀번호 필요)</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>비밀번호(&amp;W):</translation>
    </message>
    <message>
        <source>The room's password</source>
        <translation>방 비밀번호</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>C&amp;reate</source>
        <translation>만들기(&amp;R)</translation>
    </message>
</context>
<context>
    <name>DirectPane</name>
    <message>
        <source>&amp;Block {name}</source>
        <translation>{name} 차단(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Unblock {name}</source>
        <translation>{name} 차단 해제(&amp;U)</translation>
    </message>
    <message>
        <source>You blocked {name}: their messages are not shown.</source>
        <translation>{name} 님을 차단했습니다. 그 사람의 메시지는 보이지 않습니다.</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>오프라인</translation>
    </message>
    <message>
        <source>away</source>
        <translation>자리 비움</translation>
    </message>
    <message>
        <source>online</source>
        <translation>온라인</translation>
    </message>
    <message>
        <source>Con&amp;versation</source>
        <translation>대화(&amp;V)</translation>
    </message>
    <message>
        <source>Write a message and press Enter (Shift+Enter for a new line)</source>
        <translation>메시지를 쓰고 Enter를 누르세요 (줄 바꿈은 Shift+Enter)</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>보내기(&amp;S)</translation>
    </message>
</context>
<context>
    <name>Files</name>
    <message>
        <location filename="../../app/client/file_texts.py" line="17"/>
        <source>it is larger than this server accepts</source>
        <translation>이 서버가 받는 크기보다 큽니다</translation>
    </message>
    <message>
        <location filename="../../app/client/file_texts.py" line="18"/>
        <source>there is no room left for your files on this server</source>
        <translation>이 서버에 내 파일을 둘 공간이 더 없습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/file_texts.py" line="21"/>
        <source>the server does not accept its name</source>
        <translation>서버가 그 파일 이름을 받지 않습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/file_texts.py" line="22"/>
        <source>it changed or could not be read while it was being sent</source>
        <translation>보내는 동안 파일이 바뀌었거나 읽을 수 없었습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/file_texts.py" line="25"/>
        <source>it cannot be read</source>
        <translation>파일을 읽을 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/file_texts.py" line="28"/>
        <source>“{name}” was not sent: {reason}</source>
        <translation>“{name}” 파일을 보내지 못했습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/client/file_texts.py" line="34"/>
        <source>what arrived does not match the file that was sent</source>
        <translation>받은 내용이 보낸 파일과 일치하지 않습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/file_texts.py" line="35"/>
        <source>the Downloads folder cannot be written</source>
        <translation>다운로드 폴더에 쓸 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/file_texts.py" line="36"/>
        <source>it is no longer in the room</source>
        <translation>이 방에 더 이상 없습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/file_texts.py" line="37"/>
        <source>the download stopped</source>
        <translation>다운로드가 중단되었습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/file_texts.py" line="39"/>
        <source>the server refused</source>
        <translation>서버가 거부했습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/file_texts.py" line="40"/>
        <source>“{name}” was not saved: {reason}</source>
        <translation>“{name}” 파일을 저장하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/client/file_texts.py" line="47"/>
        <source>Saved {path} ({size})</source>
        <translation>{path}에 저장했습니다({size})</translation>
    </message>
</context>
<context>
    <name>FoundServersModel</name>
    <message>
        <source>encrypted</source>
        <translation>암호화됨</translation>
    </message>
    <message>
        <source>not encrypted</source>
        <translation>암호화 안 됨</translation>
    </message>
    <message>
        <source>{name} — {address}, {security}</source>
        <translation>{name} — {address}, {security}</translation>
    </message>
    <message>
        <source>{count} open room(s)</source>
        <translation>열린 방 {count}개</translation>
    </message>
    <message>
        <source>New accounts are made by the operator only</source>
        <translation>새 계정은 운영자만 만들 수 있습니다</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <location filename="../../app/client/image_viewer.py" line="38"/>
        <source>{name} — RoomChat</source>
        <translation>{name} — RoomChat</translation>
    </message>
    <message>
        <location filename="../../app/client/image_viewer.py" line="40"/>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <location filename="../../app/client/image_viewer.py" line="67"/>
        <source>This image cannot be shown: it is damaged, or too large to open safely.</source>
        <translation>이 이미지를 표시할 수 없습니다. 손상되었거나 안전하게 열기에는 너무 큽니다.</translation>
    </message>
    <message>
        <location filename="../../forms/image_viewer.ui" line="50"/>
        <source>&amp;Save to Downloads</source>
        <translation>다운로드 폴더에 저장(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../forms/image_viewer.ui" line="60"/>
        <source>Close (Esc)</source>
        <translation>닫기(Esc)</translation>
    </message>
    <message>
        <location filename="../../forms/image_viewer.ui" line="63"/>
        <source>&amp;Close</source>
        <translation>닫기(&amp;C)</translation>
    </message>
</context>
<context>
    <name>LeaveQuestions</name>
    <message>
        <source>Log out and leave the {count} open room(s)?</source>
        <translation>로그아웃하고 열려 있는 방 {count}개에서 나갈까요?</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>로그아웃</translation>
    </message>
    <message>
        <source>Quit RoomChat and leave the {count} open room(s)?</source>
        <translation>RoomChat을 끝내고 열려 있는 방 {count}개에서 나갈까요?</translation>
    </message>
    <message>
        <source>Quit RoomChat</source>
        <translation>RoomChat 끝내기</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>끝내기</translation>
    </message>
</context>
<context>
    <name>LobbyWindow</name>
    <message>
        <source>Signed in as {name}</source>
        <translation>{name}(으)로 로그인됨</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>로그아웃됨</translation>
    </message>
    <message>
        <source>Rooms open: {count}</source>
        <translation>열린 방: {count}개</translation>
    </message>
    <message>
        <source>&amp;Log in again</source>
        <translation>다시 로그인(&amp;L)</translation>
    </message>
    <message>
        <source>No rooms are open yet. Create one with “Create room…” (Ctrl+N).</source>
        <translation>아직 열린 방이 없습니다. “방 만들기…”(Ctrl+N)로 새 방을 만드세요.</translation>
    </message>
    <message>
        <source>Ask the server for the list of rooms again (F5)</source>
        <translation>서버에서 방 목록을 다시 받아옵니다 (F5)</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>새로 고침(&amp;F)</translation>
    </message>
    <message>
        <source>Open a new room (Ctrl+N)</source>
        <translation>새 방을 엽니다 (Ctrl+N)</translation>
    </message>
    <message>
        <source>&amp;Create room…</source>
        <translation>방 만들기(&amp;C)…</translation>
    </message>
    <message>
        <source>Enter the selected room (Enter or double-click)</source>
        <translation>선택한 방에 들어갑니다 (Enter 또는 더블클릭)</translation>
    </message>
    <message>
        <source>&amp;Join</source>
        <translation>들어가기(&amp;J)</translation>
    </message>
</context>
<context>
    <name>LoginAttempt</name>
    <message>
        <source>Connecting to {address}…</source>
        <translation>{address}에 연결하는 중…</translation>
    </message>
    <message>
        <source>Creating the account…</source>
        <translation>계정을 만드는 중…</translation>
    </message>
    <message>
        <source>Logging in…</source>
        <translation>로그인하는 중…</translation>
    </message>
    <message>
        <source>The server at {address} closed the connection: {reason}</source>
        <translation>{address} 서버가 연결을 끊었습니다: {reason}</translation>
    </message>
    <message>
        <source>The server at {address} did not answer.</source>
        <translation>{address} 서버가 응답하지 않습니다.</translation>
    </message>
</context>
<context>
    <name>LoginWindow</name>
    <message>
        <source>Enter the server's host name or address.</source>
        <translation>서버의 호스트 이름이나 주소를 입력하세요.</translation>
    </message>
    <message>
        <source>Enter your name and password.</source>
        <translation>이름과 비밀번호를 입력하세요.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>취소했습니다.</translation>
    </message>
    <message>
        <source>RoomChat forgot the certificate it trusted for {address}. Log in again to check the new one.</source>
        <translation>RoomChat이 {address}에 대해 신뢰했던 인증서를 잊었습니다. 다시 로그인해서 새 인증서를 확인하세요.</translation>
    </message>
    <message>
        <source>RoomChat — Log in</source>
        <translation>RoomChat — 로그인</translation>
    </message>
    <message>
        <source>Log in to chat, or sign up for a new account.</source>
        <translation>로그인해서 대화하거나, 새 계정으로 가입하세요.</translation>
    </message>
    <message>
        <source>&amp;Found on this network:</source>
        <translation>이 네트워크에서 찾은 서버(&amp;F):</translation>
    </message>
    <message>
        <source>RoomChat servers that announce themselves on this network: pick one to fill in its address</source>
        <translation>이 네트워크에 자신을 알리는 RoomChat 서버입니다. 하나를 고르면 주소가 채워집니다</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>서버</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>호스트(&amp;H):</translation>
    </message>
    <message>
        <source>The name or address of the RoomChat server</source>
        <translation>RoomChat 서버의 이름 또는 주소</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>포트(&amp;O):</translation>
    </message>
    <message>
        <source>Connect with TLS, so that nobody on the way can read your password and messages (the server must have a certificate)</source>
        <translation>TLS로 연결해서 중간에서 누구도 비밀번호와 메시지를 읽을 수 없게 합니다 (서버에 인증서가 있어야 합니다)</translation>
    </message>
    <message>
        <source>&amp;Use encryption</source>
        <translation>암호화 사용(&amp;U)</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>계정</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>이름(&amp;N):</translation>
    </message>
    <message>
        <source>3 to 32 letters, digits, _ - .</source>
        <translation>글자, 숫자, _ - . 로 3~32자</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>비밀번호(&amp;P):</translation>
    </message>
    <message>
        <source>At least 8 characters</source>
        <translation>8자 이상</translation>
    </message>
    <message>
        <source>&amp;Keep me signed in</source>
        <translation>로그인 상태 유지(&amp;K)</translation>
    </message>
    <message>
        <source>Sign in on the next start without the password (kept in the system's credential store)</source>
        <translation>다음에 시작할 때 비밀번호 없이 로그인합니다 (시스템의 자격 증명 저장소에 보관)</translation>
    </message>
    <message>
        <source>Create an account with this name and password, then log in</source>
        <translation>이 이름과 비밀번호로 계정을 만들고 로그인합니다</translation>
    </message>
    <message>
        <source>&amp;Sign up</source>
        <translation>가입(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Log in</source>
        <translation>로그인(&amp;L)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>RoomChat</source>
        <translation>RoomChat</translation>
    </message>
    <message>
        <source>{name} — RoomChat — {server}</source>
        <translation>{name} — RoomChat — {server}</translation>
    </message>
    <message>
        <source>Retry &amp;now</source>
        <translation>지금 다시 시도(&amp;N)</translation>
    </message>
    <message>
        <source>Your rooms and conversations (Ctrl+K to switch by name)</source>
        <translation>내 방과 대화 (이름으로 이동하려면 Ctrl+K)</translation>
    </message>
    <message>
        <source>&amp;Account</source>
        <translation>계정(&amp;A)</translation>
    </message>
    <message>
        <source>R&amp;ooms</source>
        <translation>방(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>이동(&amp;G)</translation>
    </message>
    <message>
        <source>People</source>
        <translation>사람들</translation>
    </message>
    <message>
        <source>Log &amp;out</source>
        <translation>로그아웃(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Browse rooms</source>
        <translation>방 둘러보기(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Create room…</source>
        <translation>방 만들기(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Join selected room</source>
        <translation>선택한 방에 들어가기(&amp;J)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>새로 고침(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Pop out or put back the room</source>
        <translation>방을 창으로 꺼내기 또는 다시 넣기(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Switch to room…</source>
        <translation>방으로 이동(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Next room</source>
        <translation>다음 방(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Previous room</source>
        <translation>이전 방(&amp;P)</translation>
    </message>
    <message>
        <source>({count}) {title}</source>
        <translation>({count}) {title}</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>환경 설정(&amp;P)…</translation>
    </message>
    <message>
        <source>Search &amp;all rooms…</source>
        <translation>모든 방 검색(&amp;A)…</translation>
    </message>
</context>
<context>
    <name>MembersModel</name>
    <message>
        <source>{name} (you)</source>
        <translation>{name} (나)</translation>
    </message>
</context>
<context>
    <name>MessageViewActions</name>
    <message>
        <source>&amp;Copy</source>
        <translation>복사(&amp;C)</translation>
    </message>
    <message>
        <source>Copy &amp;link</source>
        <translation>링크 복사(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Quote</source>
        <translation>인용(&amp;Q)</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>Cannot reach the server at {address}: nothing is listening.</source>
        <translation>{address} 서버에 연결할 수 없습니다: 연결이 거부되었습니다.</translation>
    </message>
    <message>
        <source>Cannot reach the server at {address}: the host is unknown.</source>
        <translation>{address} 서버에 연결할 수 없습니다: 알 수 없는 호스트입니다.</translation>
    </message>
    <message>
        <source>Cannot reach the server at {address}: it does not answer.</source>
        <translation>{address} 서버에 연결할 수 없습니다: 응답이 없습니다.</translation>
    </message>
    <message>
        <source>The server at {address} does not use encryption.</source>
        <translation>{address} 서버는 암호화를 쓰지 않습니다.</translation>
    </message>
    <message>
        <source>The certificate of the server at {address} is not trusted.</source>
        <translation>{address} 서버의 인증서를 신뢰하지 않습니다.</translation>
    </message>
    <message>
        <source>The certificate of the server at {address} has changed since you trusted it. The connection was refused.</source>
        <translation>{address} 서버의 인증서가 신뢰하기로 한 뒤에 바뀌었습니다. 연결을 거부했습니다.</translation>
    </message>
    <message>
        <source>Cannot set up an encrypted connection to the server at {address}.</source>
        <translation>{address} 서버와 암호화된 연결을 맺을 수 없습니다.</translation>
    </message>
    <message>
        <source>Cannot reach the server at {address}: the network failed.</source>
        <translation>{address} 서버에 연결할 수 없습니다: 네트워크 오류입니다.</translation>
    </message>
    <message>
        <source>The server at {address} closed the connection before greeting.</source>
        <translation>{address} 서버가 인사하기 전에 연결을 끊었습니다.</translation>
    </message>
    <message>
        <source>The server at {address} closed the connection; it may require encryption (turn on “Use encryption”).</source>
        <translation>{address} 서버가 연결을 끊었습니다. 암호화가 필요한 서버일 수 있습니다(“암호화 사용”을 켜 보세요).</translation>
    </message>
    <message>
        <source>The server at {address} does not answer; it may require encryption (turn on “Use encryption”).</source>
        <translation>{address} 서버가 응답하지 않습니다. 암호화가 필요한 서버일 수 있습니다(“암호화 사용”을 켜 보세요).</translation>
    </message>
    <message>
        <source>The server shut down.</source>
        <translation>서버가 종료되었습니다.</translation>
    </message>
    <message>
        <source>The server is busy with too many connections. Try again later.</source>
        <translation>서버에 연결이 너무 많아 바쁩니다. 잠시 후 다시 시도하세요.</translation>
    </message>
    <message>
        <source>The server closed the connection after a silence.</source>
        <translation>오랫동안 아무 활동이 없어 서버가 연결을 닫았습니다.</translation>
    </message>
    <message>
        <source>You signed in somewhere else, so this session ended.</source>
        <translation>다른 곳에서 로그인하여 이 세션이 끝났습니다.</translation>
    </message>
    <message>
        <source>An operator closed this room.</source>
        <translation>운영자가 이 방을 닫았습니다.</translation>
    </message>
    <message>
        <source>An operator removed you from this room.</source>
        <translation>운영자가 이 방에서 내보냈습니다.</translation>
    </message>
    <message>
        <source>The room did not accept the entry ticket.</source>
        <translation>방이 입장권을 받아들이지 않았습니다.</translation>
    </message>
    <message>
        <source>This computer fell too far behind the conversation, so the server closed the connection.</source>
        <translation>이 컴퓨터가 대화를 너무 늦게 받아서 서버가 연결을 끊었습니다.</translation>
    </message>
    <message>
        <source>The server refused a message too long for it and closed the connection.</source>
        <translation>서버가 너무 긴 메시지를 거부하고 연결을 끊었습니다.</translation>
    </message>
    <message>
        <source>The server sent a message longer than the protocol allows, so RoomChat closed the connection.</source>
        <translation>서버가 프로토콜이 허용하는 것보다 긴 메시지를 보내서 RoomChat이 연결을 끊었습니다.</translation>
    </message>
    <message>
        <source>The server speaks a version of the RoomChat protocol this client does not know. Update RoomChat or choose another server.</source>
        <translation>이 서버는 이 클라이언트가 모르는 버전의 RoomChat 프로토콜을 씁니다. RoomChat을 업데이트하거나 다른 서버를 고르세요.</translation>
    </message>
    <message>
        <source>The connection to the server was lost.</source>
        <translation>서버와의 연결이 끊어졌습니다.</translation>
    </message>
    <message>
        <source>The name or password is wrong.</source>
        <translation>이름 또는 비밀번호가 틀렸습니다.</translation>
    </message>
    <message>
        <source>That name is taken. Choose another one.</source>
        <translation>이미 사용 중인 이름입니다. 다른 이름을 고르세요.</translation>
    </message>
    <message>
        <source>This server does not accept new accounts.</source>
        <translation>이 서버는 새 계정을 받지 않습니다.</translation>
    </message>
    <message>
        <source>A password has {low} to {high} characters.</source>
        <translation>비밀번호는 {low}~{high}자여야 합니다.</translation>
    </message>
    <message>
        <source>A room name has 1 to {high} characters and no control characters.</source>
        <translation>방 이름은 1~{high}자이고 제어 문자를 쓸 수 없습니다.</translation>
    </message>
    <message>
        <source>A room with that name is already open.</source>
        <translation>같은 이름의 방이 이미 열려 있습니다.</translation>
    </message>
    <message>
        <source>The server does not allow that many people in one room.</source>
        <translation>서버가 한 방에 그렇게 많은 인원을 허용하지 않습니다.</translation>
    </message>
    <message>
        <source>The server has no free port for another room right now.</source>
        <translation>지금은 서버에 새 방을 열 빈 포트가 없습니다.</translation>
    </message>
    <message>
        <source>The room “{room}” is no longer open.</source>
        <translation>“{room}” 방은 이제 열려 있지 않습니다.</translation>
    </message>
    <message>
        <source>The room “{room}” is private: it needs its password.</source>
        <translation>“{room}” 방은 비공개입니다. 비밀번호가 필요합니다.</translation>
    </message>
    <message>
        <source>Wrong password for “{room}”. Try again.</source>
        <translation>“{room}” 방의 비밀번호가 틀렸습니다. 다시 입력하세요.</translation>
    </message>
    <message>
        <source>The room “{room}” is full.</source>
        <translation>“{room}” 방이 가득 찼습니다.</translation>
    </message>
    <message>
        <source>You are already in “{room}” (perhaps from another window).</source>
        <translation>이미 “{room}” 방에 들어가 있습니다 (다른 창에서일 수 있습니다).</translation>
    </message>
    <message>
        <source>A message has 1 to 4000 characters and not only spaces.</source>
        <translation>메시지는 1~4000자이고 공백만으로 이루어질 수 없습니다.</translation>
    </message>
    <message>
        <source>You are not signed in.</source>
        <translation>로그인되어 있지 않습니다.</translation>
    </message>
    <message>
        <source>The server could not do that just now. Try again.</source>
        <translation>서버가 지금은 처리하지 못했습니다. 다시 시도하세요.</translation>
    </message>
    <message>
        <source>Slow down: wait {seconds} s and try again.</source>
        <translation>너무 빠릅니다. {seconds}초 기다린 뒤 다시 시도하세요.</translation>
    </message>
    <message>
        <source>The server refused the request.</source>
        <translation>서버가 요청을 거절했습니다.</translation>
    </message>
    <message>
        <source>The server is busy — you can send again in {seconds} s</source>
        <translation>서버가 바쁩니다 — {seconds}초 후에 다시 보낼 수 있습니다</translation>
    </message>
    <message>
        <source>Too many messages — you can send again in {seconds} s</source>
        <translation>메시지가 너무 많습니다 — {seconds}초 후에 다시 보낼 수 있습니다</translation>
    </message>
    <message>
        <source>The server is busy — you can try again in {seconds} s</source>
        <translation>서버가 바쁩니다 — {seconds}초 후에 다시 시도할 수 있습니다</translation>
    </message>
    <message>
        <source>Too many failed logins — you can try again in {seconds} s</source>
        <translation>로그인 실패가 너무 많습니다 — {seconds}초 후에 다시 시도할 수 있습니다</translation>
    </message>
    <message>
        <source>A name has {low} to {high} characters.</source>
        <translation>이름은 {low}~{high}자여야 합니다.</translation>
    </message>
    <message>
        <source>A name may hold only letters, digits, “_”, “-” and “.”.</source>
        <translation>이름에는 글자, 숫자, “_”, “-”, “.”만 쓸 수 있습니다.</translation>
    </message>
    <message>
        <source>A name has {low} to {high} characters: letters, digits, “_”, “-” and “.”.</source>
        <translation>이름은 글자, 숫자, “_”, “-”, “.”로 된 {low}~{high}자여야 합니다.</translation>
    </message>
    <message>
        <source>Give the room a name.</source>
        <translation>방 이름을 입력하세요.</translation>
    </message>
    <message>
        <source>It is self-signed: no certificate authority you trust vouches for it.</source>
        <translation>자체 서명된 인증서입니다. 신뢰하는 인증 기관 중 어느 곳도 보증하지 않습니다.</translation>
    </message>
    <message>
        <source>It was issued by a certificate authority you do not trust.</source>
        <translation>신뢰하지 않는 인증 기관이 발급했습니다.</translation>
    </message>
    <message>
        <source>It expired on {date}.</source>
        <translation>{date}에 만료되었습니다.</translation>
    </message>
    <message>
        <source>It is not valid before {date}.</source>
        <translation>{date}부터 유효합니다(아직 유효하지 않음).</translation>
    </message>
    <message>
        <source>It is for {names}, not for {host}.</source>
        <translation>{host}가 아니라 {names}용 인증서입니다.</translation>
    </message>
    <message>
        <source>It has been revoked.</source>
        <translation>폐기된 인증서입니다.</translation>
    </message>
    <message>
        <source>It is not the certificate you chose to trust always for this server: someone may be impersonating it, or its operator replaced the certificate.</source>
        <translation>이 서버에 대해 항상 신뢰하기로 한 인증서가 아닙니다. 누군가 서버를 사칭하고 있거나, 운영자가 인증서를 바꾸었을 수 있습니다.</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>&lt;b&gt;{room}&lt;/b&gt; is a private room. Enter its password to join.</source>
        <translation>&lt;b&gt;{room}&lt;/b&gt; 방은 비공개입니다. 들어가려면 비밀번호를 입력하세요.</translation>
    </message>
    <message>
        <source>Enter the room's password.</source>
        <translation>방 비밀번호를 입력하세요.</translation>
    </message>
    <message>
        <source>Room password</source>
        <translation>방 비밀번호</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>비밀번호(&amp;P):</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>&amp;Join</source>
        <translation>들어가기(&amp;J)</translation>
    </message>
</context>
<context>
    <name>PeopleModel</name>
    <message>
        <source>{name} (away)</source>
        <translation>{name} (자리 비움)</translation>
    </message>
</context>
<context>
    <name>PeoplePanel</name>
    <message>
        <source>Online ({count})</source>
        <translation>온라인 ({count})</translation>
    </message>
    <message>
        <source>Unbloc&amp;k</source>
        <translation>차단 해제(&amp;K)</translation>
    </message>
    <message>
        <source>Bloc&amp;k</source>
        <translation>차단(&amp;K)</translation>
    </message>
    <message>
        <source>Send a direct message</source>
        <translation>개인 메시지 보내기</translation>
    </message>
    <message>
        <source>Unblock</source>
        <translation>차단 해제</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>차단</translation>
    </message>
    <message>
        <source>People</source>
        <translation>사람들</translation>
    </message>
    <message>
        <source>Your stat&amp;us:</source>
        <translation>내 상태(&amp;U):</translation>
    </message>
    <message>
        <source>What are you up to?</source>
        <translation>무엇을 하고 있나요?</translation>
    </message>
    <message>
        <source>A line others see beside your name; press Enter to set it</source>
        <translation>다른 사람에게 이름 옆에 보이는 한 줄입니다. Enter를 누르면 설정됩니다</translation>
    </message>
    <message>
        <source>Show me as a&amp;way</source>
        <translation>자리 비움으로 표시(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Message</source>
        <translation>메시지(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../forms/people_panel.ui" line="25"/>
        <source>What are you up to? (Enter to set)</source>
        <translation>무엇을 하고 있나요? (Enter로 설정)</translation>
    </message>
</context>
<context>
    <name>QuickSwitcher</name>
    <message>
        <source>Switch to room</source>
        <translation>방으로 이동</translation>
    </message>
    <message>
        <source>&amp;Type part of a room’s name, then press Enter:</source>
        <translation>방 이름의 일부를 입력하고 Enter를 누르세요(&amp;T):</translation>
    </message>
    <message>
        <source>Room name</source>
        <translation>방 이름</translation>
    </message>
</context>
<context>
    <name>ReconnectBar</name>
    <message>
        <source>Connection lost. Reconnecting in {seconds} s…</source>
        <translation>연결이 끊겼습니다. {seconds}초 뒤에 다시 연결합니다…</translation>
    </message>
    <message>
        <source>Connection lost. Reconnecting…</source>
        <translation>연결이 끊겼습니다. 다시 연결하는 중…</translation>
    </message>
</context>
<context>
    <name>RoomFiles</name>
    <message>
        <location filename="../../app/client/room_files.py" line="135"/>
        <source>Send files</source>
        <translation>파일 보내기</translation>
    </message>
</context>
<context>
    <name>RoomJoiner</name>
    <message>
        <source>You are not connected to the server. Log in again.</source>
        <translation>서버에 연결되어 있지 않습니다. 다시 로그인하세요.</translation>
    </message>
    <message>
        <source>You are signed out. Log in again from the lobby, then reconnect.</source>
        <translation>로그아웃된 상태입니다. 로비에서 다시 로그인한 뒤 다시 연결하세요.</translation>
    </message>
</context>
<context>
    <name>RoomsModel</name>
    <message>
        <source>Room</source>
        <translation>방</translation>
    </message>
    <message>
        <source>People</source>
        <translation>인원</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>개설자</translation>
    </message>
    <message>
        <source>Private room: joining asks for its password</source>
        <translation>비공개 방: 들어갈 때 비밀번호를 묻습니다</translation>
    </message>
    <message>
        <source>Nobody else can join until someone leaves</source>
        <translation>누군가 나갈 때까지 더 들어갈 수 없습니다</translation>
    </message>
    <message>
        <source>{counts} · full</source>
        <translation>{counts} · 가득 참</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>Browse rooms</source>
        <translation>방 둘러보기</translation>
    </message>
    <message>
        <source>The rooms open on the server (Ctrl+B)</source>
        <translation>서버에 열려 있는 방 (Ctrl+B)</translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation>방</translation>
    </message>
    <message>
        <source>Direct messages</source>
        <translation>개인 메시지</translation>
    </message>
    <message>
        <source>No conversations yet</source>
        <translation>아직 대화가 없습니다</translation>
    </message>
    <message>
        <source>{name} ({count})</source>
        <translation>{name} ({count})</translation>
    </message>
</context>
<context>
    <name>AttachmentDelegate</name>
    <message>
        <location filename="../../app/client/attachment_delegate.py" line="155"/>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <location filename="../../app/client/attachment_delegate.py" line="157"/>
        <source>The image cannot be shown</source>
        <translation>이미지를 표시할 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/attachment_delegate.py" line="188"/>
        <source>{size} · saved to Downloads</source>
        <translation>{size} · 다운로드 폴더에 저장됨</translation>
    </message>
    <message>
        <location filename="../../app/client/attachment_delegate.py" line="209"/>
        <source>Save</source>
        <translation>저장</translation>
    </message>
</context>
<context>
    <name>Attention</name>
    <message>
        <source>New messages</source>
        <translation>새 메시지</translation>
    </message>
    <message>
        <source>{sender} in {room}</source>
        <translation>{sender} · {room}</translation>
    </message>
    <message>
        <source>sent a file: {name}</source>
        <translation>파일을 보냄: {name}</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>seen by {count}</source>
        <translation>{count}명 읽음</translation>
    </message>
</context>
<context>
    <name>MessagesModel</name>
    <message>
        <source>{when}
Seen by {names}</source>
        <translation>{when}
읽은 사람: {names}</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>환경 설정</translation>
    </message>
    <message>
        <source>&amp;Highlight messages holding these words (one a line):</source>
        <translation>이 낱말이 든 메시지 강조(&amp;H) (한 줄에 하나):</translation>
    </message>
    <message>
        <source>&amp;Room:</source>
        <translation>방(&amp;R):</translation>
    </message>
    <message>
        <source>&amp;Notify me of:</source>
        <translation>알림(&amp;N):</translation>
    </message>
    <message>
        <source>&amp;Do not disturb: no notifications at all</source>
        <translation>방해 금지(&amp;D): 알림을 전혀 받지 않음</translation>
    </message>
    <message>
        <source>&amp;Keep running in the tray when the window is closed</source>
        <translation>창을 닫아도 트레이에서 계속 실행(&amp;K)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>저장(&amp;S)</translation>
    </message>
    <message>
        <source>All messages</source>
        <translation>모든 메시지</translation>
    </message>
    <message>
        <source>Mentions only</source>
        <translation>언급만</translation>
    </message>
    <message>
        <source>Nothing</source>
        <translation>알리지 않음</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>&amp;Rooms</source>
        <translation>방(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Do not disturb</source>
        <translation>방해 금지(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <source>RoomChat: nothing new</source>
        <translation>RoomChat: 새 소식 없음</translation>
    </message>
    <message>
        <source>RoomChat: {count} unread, and you were mentioned</source>
        <translation>RoomChat: 읽지 않은 메시지 {count}개, 나를 언급함</translation>
    </message>
    <message>
        <source>RoomChat: {count} unread</source>
        <translation>RoomChat: 읽지 않은 메시지 {count}개</translation>
    </message>
</context>
<context>
    <name>UploadQueue</name>
    <message>
        <location filename="../../app/client/uploads.py" line="305"/>
        <source>{name} — preparing…</source>
        <translation>{name} — 준비 중…</translation>
    </message>
    <message>
        <location filename="../../app/client/uploads.py" line="306"/>
        <source>{name} — waiting</source>
        <translation>{name} — 대기 중</translation>
    </message>
    <message>
        <location filename="../../app/client/uploads.py" line="307"/>
        <source>{name} — starting…</source>
        <translation>{name} — 시작하는 중…</translation>
    </message>
    <message>
        <location filename="../../app/client/uploads.py" line="308"/>
        <source>{name} — {percent}%</source>
        <translation>{name} — {percent}%</translation>
    </message>
    <message>
        <location filename="../../app/client/uploads.py" line="309"/>
        <source>{name} — checking…</source>
        <translation>{name} — 확인하는 중…</translation>
    </message>
</context>
<context>
    <name>DesktopNotifications</name>
    <message>
        <source>Open</source>
        <translation>열기</translation>
    </message>
</context>
<context>
    <name>MemberMenu</name>
    <message>
        <location filename="../../app/client/member_menu.py" line="88"/>
        <source>&amp;Kick…</source>
        <translation>내보내기(&amp;K)…</translation>
    </message>
    <message>
        <location filename="../../app/client/member_menu.py" line="89"/>
        <source>&amp;Ban…</source>
        <translation>차단(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../app/client/member_menu.py" line="90"/>
        <source>&amp;Mute…</source>
        <translation>발언 금지(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../app/client/member_menu.py" line="91"/>
        <source>&amp;Unmute</source>
        <translation>발언 금지 풀기(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../app/client/member_menu.py" line="92"/>
        <source>Make m&amp;oderator</source>
        <translation>관리자로 지정(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../app/client/member_menu.py" line="93"/>
        <source>Make plain me&amp;mber</source>
        <translation>일반 멤버로 되돌리기(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../app/client/member_menu.py" line="94"/>
        <source>&amp;Hand the room to them</source>
        <translation>방장 넘기기(&amp;H)</translation>
    </message>
</context>
<context>
    <name>Moderation</name>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="36"/>
        <source>for good</source>
        <translation>영구히</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="37"/>
        <source>until unmuted</source>
        <translation>풀릴 때까지</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="41"/>
        <source>for 1 day</source>
        <translation>1일 동안</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="42"/>
        <source>for {n} days</source>
        <translation>{n}일 동안</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="45"/>
        <source>for 1 hour</source>
        <translation>1시간 동안</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="46"/>
        <source>for {n} hours</source>
        <translation>{n}시간 동안</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="48"/>
        <source>for 1 minute</source>
        <translation>1분 동안</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="49"/>
        <source>for {n} minutes</source>
        <translation>{n}분 동안</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="56"/>
        <source>{by} removed {name} from the room</source>
        <translation>{by} 님이 {name} 님을 방에서 내보냈습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="57"/>
        <source>{by} banned {name} {duration}</source>
        <translation>{by} 님이 {name} 님을 {duration} 차단했습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="58"/>
        <source>{by} lifted the ban on {name}</source>
        <translation>{by} 님이 {name} 님의 차단을 풀었습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="59"/>
        <source>{by} muted {name} {duration}</source>
        <translation>{by} 님이 {name} 님의 발언을 {duration} 금지했습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="60"/>
        <source>{by} unmuted {name}</source>
        <translation>{by} 님이 {name} 님의 발언 금지를 풀었습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="61"/>
        <source>{by} deleted a message</source>
        <translation>{by} 님이 메시지를 삭제했습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="65"/>
        <source>{by} moderated ({action})</source>
        <translation>{by} 님이 관리 작업을 했습니다 ({action})</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="70"/>
        <source>{line}: “{reason}”</source>
        <translation>{line}: “{reason}”</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="76"/>
        <source>{by} handed the room to {name}: now its owner</source>
        <translation>{by} 님이 {name} 님에게 방을 넘겼습니다: 이제 방장입니다</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="78"/>
        <source>{by} made {name} a moderator</source>
        <translation>{by} 님이 {name} 님을 관리자로 지정했습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="80"/>
        <source>{name} is a server operator</source>
        <translation>{name} 님은 서버 운영자입니다</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="82"/>
        <source>{by} made {name} a plain member</source>
        <translation>{by} 님이 {name} 님을 일반 멤버로 되돌렸습니다</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="88"/>
        <source>{by} changed the room: {changes}</source>
        <translation>{by} 님이 방을 바꿨습니다: {changes}</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="94"/>
        <source>its name is now “{value}”</source>
        <translation>이름은 이제 “{value}”</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="96"/>
        <source>room for {value} people</source>
        <translation>정원 {value}명</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="99"/>
        <source>slow mode off</source>
        <translation>슬로 모드 끔</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="100"/>
        <source>slow mode, one message per {value} s</source>
        <translation>슬로 모드, {value}초에 메시지 하나</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="103"/>
        <source>read-only (only the owner and moderators speak)</source>
        <translation>읽기 전용 (방장과 관리자만 말할 수 있음)</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="104"/>
        <source>everyone may speak again</source>
        <translation>모두 다시 말할 수 있음</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="107"/>
        <source>doors locked (nobody new may enter)</source>
        <translation>문 잠김 (새로 들어올 수 없음)</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="108"/>
        <source>doors open again</source>
        <translation>문이 다시 열림</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="111"/>
        <source>a new password</source>
        <translation>새 비밀번호</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="112"/>
        <source>no password any more</source>
        <translation>비밀번호 없음</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="119"/>
        <source>Your role in this room does not allow that.</source>
        <translation>이 방에서의 역할로는 그렇게 할 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="122"/>
        <source>Nobody of that name is here.</source>
        <translation>그 이름의 사람이 여기 없습니다.</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="123"/>
        <source>You are muted in this room.</source>
        <translation>이 방에서 발언이 금지되었습니다.</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="124"/>
        <source>Only the owner and moderators may speak in this room now.</source>
        <translation>지금 이 방에서는 방장과 관리자만 말할 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="127"/>
        <source>Slow mode: wait a moment before your next message.</source>
        <translation>슬로 모드: 다음 메시지까지 잠시 기다리세요.</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_texts.py" line="130"/>
        <source>A room password has 4 to 128 characters.</source>
        <translation>방 비밀번호는 4~128자입니다.</translation>
    </message>
</context>
<context>
    <name>ModerationDialog</name>
    <message>
        <location filename="../../app/client/moderation_dialog.py" line="41"/>
        <source>{name} will be removed from the room and may come back.</source>
        <translation>{name} 님은 방에서 나가게 되며 다시 들어올 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_dialog.py" line="42"/>
        <source>{name} will be removed from the room and kept out.</source>
        <translation>{name} 님은 방에서 나가게 되며 다시 들어올 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_dialog.py" line="43"/>
        <source>{name} will stay and read, but may not speak.</source>
        <translation>{name} 님은 방에 남아 읽을 수 있지만 말할 수는 없습니다.</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_dialog.py" line="44"/>
        <source>The server&apos;s operators will see this message of {name}&apos;s and why.</source>
        <translation>서버 운영자가 {name} 님의 이 메시지와 신고 이유를 보게 됩니다.</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation_dialog.py" line="57"/>
        <source>Optional; everyone in the room sees it</source>
        <translation>선택 사항이며 방의 모두가 봅니다</translation>
    </message>
    <message>
        <location filename="../../forms/moderation_dialog.ui" line="20"/>
        <source>Moderate</source>
        <translation>관리</translation>
    </message>
    <message>
        <location filename="../../forms/moderation_dialog.ui" line="62"/>
        <source>&amp;For:</source>
        <translation>기간(&amp;F):</translation>
    </message>
    <message>
        <location filename="../../forms/moderation_dialog.ui" line="75"/>
        <source>&amp;Reason:</source>
        <translation>이유(&amp;R):</translation>
    </message>
    <message>
        <location filename="../../forms/moderation_dialog.ui" line="135"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../forms/moderation_dialog.ui" line="145"/>
        <source>OK</source>
        <translation>확인</translation>
    </message>
</context>
<context>
    <name>MutedInput</name>
    <message>
        <location filename="../../app/client/muted_input.py" line="90"/>
        <source>You are muted in this room until a moderator unmutes you.</source>
        <translation>관리자가 풀어 줄 때까지 이 방에서 발언이 금지되었습니다.</translation>
    </message>
    <message>
        <location filename="../../app/client/muted_input.py" line="94"/>
        <source>You are muted in this room until {time} ({left} left).</source>
        <translation>{time}까지 이 방에서 발언이 금지되었습니다 ({left} 남음).</translation>
    </message>
    <message>
        <location filename="../../app/client/muted_input.py" line="98"/>
        <source>This room is read-only now: only the owner and moderators speak.</source>
        <translation>이 방은 지금 읽기 전용입니다: 방장과 관리자만 말할 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../app/client/muted_input.py" line="101"/>
        <source>Slow mode: you can send your next message in {seconds} s.</source>
        <translation>슬로 모드: {seconds}초 뒤에 다음 메시지를 보낼 수 있습니다.</translation>
    </message>
</context>
<context>
    <name>RoomModeration</name>
    <message>
        <location filename="../../app/client/moderation.py" line="128"/>
        <source>Not sent: you are not connected to the room.</source>
        <translation>보내지 못했습니다: 방에 연결되어 있지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="135"/>
        <source>Moderate</source>
        <translation>관리</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="140"/>
        <source>&amp;Kick</source>
        <translation>내보내기(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="140"/>
        <source>&amp;Ban</source>
        <translation>차단(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="140"/>
        <source>&amp;Mute</source>
        <translation>발언 금지(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="147"/>
        <source>Let {name} speak again?</source>
        <translation>{name} 님이 다시 말할 수 있게 할까요?</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="148"/>
        <source>&amp;Unmute</source>
        <translation>발언 금지 풀기(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="152"/>
        <source>Make {name} a moderator of this room?</source>
        <translation>{name} 님을 이 방의 관리자로 지정할까요?</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="154"/>
        <source>Make {name} a plain member again?</source>
        <translation>{name} 님을 일반 멤버로 되돌릴까요?</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="156"/>
        <source>&amp;Change role</source>
        <translation>역할 바꾸기(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="158"/>
        <source>Hand this room to {name}? They become its owner; you stay a moderator.</source>
        <translation>이 방을 {name} 님에게 넘길까요? 그분이 방장이 되고 당신은 관리자로 남습니다.</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="159"/>
        <source>&amp;Hand over</source>
        <translation>넘기기(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="166"/>
        <source>Remove {name} from the room?</source>
        <translation>{name} 님을 방에서 내보낼까요?</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="168"/>
        <source>Ban {name} {duration}?</source>
        <translation>{name} 님을 {duration} 차단할까요?</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="170"/>
        <source>Mute {name} {duration}?</source>
        <translation>{name} 님의 발언을 {duration} 금지할까요?</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="183"/>
        <source>&amp;Delete message…</source>
        <translation>메시지 삭제(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="184"/>
        <source>Delete this message for everyone in the room?</source>
        <translation>방의 모두에게서 이 메시지를 삭제할까요?</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="186"/>
        <source>&amp;Delete</source>
        <translation>삭제(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="189"/>
        <source>&amp;Report message…</source>
        <translation>메시지 신고(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="193"/>
        <source>Re&amp;port</source>
        <translation>신고(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="229"/>
        <source>(message deleted by {by})</source>
        <translation>({by} 님이 삭제한 메시지)</translation>
    </message>
    <message>
        <location filename="../../app/client/moderation.py" line="238"/>
        <source>Reported: the server&apos;s operators will see it.</source>
        <translation>신고했습니다: 서버 운영자가 보게 됩니다.</translation>
    </message>
</context>
<context>
    <name>RoomReturn</name>
    <message>
        <source>Connection lost. Reconnecting in {seconds} s…</source>
        <translation>연결이 끊겼습니다. {seconds}초 뒤에 다시 연결합니다…</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>다시 연결하는 중…</translation>
    </message>
    <message>
        <source>The connection to the server was lost. You can reconnect.</source>
        <translation>서버와의 연결이 끊어졌습니다. 다시 연결할 수 있습니다.</translation>
    </message>
    <message>
        <source>RoomChat could not get back into the room. You can reconnect.</source>
        <translation>RoomChat이 방에 다시 들어가지 못했습니다. 다시 연결할 수 있습니다.</translation>
    </message>
</context>
<context>
    <name>RoomSettingsDialog</name>
    <message>
        <location filename="../../app/client/room_settings_dialog.py" line="67"/>
        <source>Room settings — {room}</source>
        <translation>방 설정 — {room}</translation>
    </message>
    <message>
        <location filename="../../app/client/room_settings_dialog.py" line="83"/>
        <source>Keep the password</source>
        <translation>비밀번호 유지</translation>
    </message>
    <message>
        <location filename="../../app/client/room_settings_dialog.py" line="83"/>
        <source>Keep it open (none)</source>
        <translation>공개 유지 (비밀번호 없음)</translation>
    </message>
    <message>
        <location filename="../../app/client/room_settings_dialog.py" line="84"/>
        <source>Set a new password</source>
        <translation>새 비밀번호 설정</translation>
    </message>
    <message>
        <location filename="../../app/client/room_settings_dialog.py" line="86"/>
        <source>Remove it: anyone may join</source>
        <translation>비밀번호 없애기: 누구나 들어올 수 있음</translation>
    </message>
    <message>
        <location filename="../../app/client/room_settings_dialog.py" line="140"/>
        <source>A room password has {low} to {high} characters.</source>
        <translation>방 비밀번호는 {low}~{high}자입니다.</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="20"/>
        <source>Room settings</source>
        <translation>방 설정</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="44"/>
        <source>What you change here is told to everyone in the room.</source>
        <translation>여기서 바꾼 내용은 방의 모두에게 알려집니다.</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="62"/>
        <source>Room &amp;name:</source>
        <translation>방 이름(&amp;N):</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="79"/>
        <source>&amp;Capacity:</source>
        <translation>정원(&amp;C):</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="95"/>
        <source> people</source>
        <translation>명</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="108"/>
        <source>S&amp;low mode:</source>
        <translation>슬로 모드(&amp;L):</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="124"/>
        <source> s between messages</source>
        <translation>초 간격</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="127"/>
        <source>Off</source>
        <translation>끔</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="140"/>
        <source>&amp;Read-only: only the owner and moderators speak</source>
        <translation>읽기 전용(&amp;R): 방장과 관리자만 말함</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="147"/>
        <source>Loc&amp;k the doors: nobody new may enter</source>
        <translation>문 잠그기(&amp;K): 새로 들어올 수 없음</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="154"/>
        <source>&amp;Password:</source>
        <translation>비밀번호(&amp;P):</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="167"/>
        <source>New pass&amp;word:</source>
        <translation>새 비밀번호(&amp;W):</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="230"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../forms/room_settings_dialog.ui" line="240"/>
        <source>&amp;Save</source>
        <translation>저장(&amp;S)</translation>
    </message>
</context>
<context>
    <name>DaySeparators</name>
    <message>
        <source>Today</source>
        <translation>오늘</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>어제</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <source>Not in the messages shown</source>
        <translation>보이는 메시지에는 없음</translation>
    </message>
    <message>
        <source>{number} of {count}</source>
        <translation>{count}개 중 {number}번째</translation>
    </message>
    <message>
        <source>Searching older messages…</source>
        <translation>이전 메시지를 검색하는 중…</translation>
    </message>
    <message>
        <source>No older messages match</source>
        <translation>일치하는 이전 메시지가 없음</translation>
    </message>
</context>
<context>
    <name>MessageJump</name>
    <message>
        <source>That room is not open now.</source>
        <translation>그 방은 지금 열려 있지 않습니다.</translation>
    </message>
    <message>
        <source>That message is no longer stored.</source>
        <translation>그 메시지는 더 이상 저장되어 있지 않습니다.</translation>
    </message>
</context>
<context>
    <name>ScrollBack</name>
    <message>
        <source>Loading older messages…</source>
        <translation>이전 메시지를 불러오는 중…</translation>
    </message>
    <message>
        <source>Beginning of the conversation</source>
        <translation>대화의 시작</translation>
    </message>
</context>
<context>
    <name>SearchDialog</name>
    <message>
        <source>Searching…</source>
        <translation>검색하는 중…</translation>
    </message>
    <message>
        <source>No message holds “{query}”.</source>
        <translation>“{query}”이(가) 들어 있는 메시지가 없습니다.</translation>
    </message>
    <message>
        <source>{count} found</source>
        <translation>{count}개 찾음</translation>
    </message>
    <message>
        <source>Search all rooms</source>
        <translation>모든 방 검색</translation>
    </message>
    <message>
        <source>Find messages &amp;holding:</source>
        <translation>다음이 들어 있는 메시지 찾기(&amp;H):</translation>
    </message>
    <message>
        <source>A word or part of one, in any room you may read</source>
        <translation>읽을 수 있는 모든 방에서 찾을 낱말이나 그 일부</translation>
    </message>
    <message>
        <source>Mor&amp;e results</source>
        <translation>결과 더 보기(&amp;E)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
</context>
</TS>
