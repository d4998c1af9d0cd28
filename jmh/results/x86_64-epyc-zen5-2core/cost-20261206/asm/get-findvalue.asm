
code.bin:     file format binary


Disassembly of section .data:

00007f7cf7ee2000 <.data>:
    7f7cf7ee2000:	89 84 24 00 c0 fe ff 	mov    DWORD PTR [rsp-0x14000],eax
    7f7cf7ee2007:	55                   	push   rbp
    7f7cf7ee2008:	48 81 ec 80 00 00 00 	sub    rsp,0x80
    7f7cf7ee200f:	90                   	nop
    7f7cf7ee2010:	41 81 7f 20 00 00 00 	cmp    DWORD PTR [r15+0x20],0x0
    7f7cf7ee2017:	00 
    7f7cf7ee2018:	0f 85 54 07 00 00    	jne    0x7f7cf7ee2772
    7f7cf7ee201e:	48 8b c2             	mov    rax,rdx
    7f7cf7ee2021:	48 89 74 24 28       	mov    QWORD PTR [rsp+0x28],rsi
    7f7cf7ee2026:	44 8b 56 20          	mov    r10d,DWORD PTR [rsi+0x20]
    7f7cf7ee202a:	4c 8b 5e 30          	mov    r11,QWORD PTR [rsi+0x30]
    7f7cf7ee202e:	4c 89 5c 24 20       	mov    QWORD PTR [rsp+0x20],r11
    7f7cf7ee2033:	43 8b 6c d4 0c       	mov    ebp,DWORD PTR [r12+r10*8+0xc]
    7f7cf7ee2038:	85 ed                	test   ebp,ebp
    7f7cf7ee203a:	0f 85 00 05 00 00    	jne    0x7f7cf7ee2540
    7f7cf7ee2040:	43 8b 6c d4 3c       	mov    ebp,DWORD PTR [r12+r10*8+0x3c]
    7f7cf7ee2045:	4c 8b 5e 28          	mov    r11,QWORD PTR [rsi+0x28]
    7f7cf7ee2049:	4c 33 da             	xor    r11,rdx
    7f7cf7ee204c:	4d 8b c3             	mov    r8,r11
    7f7cf7ee204f:	49 c1 e8 20          	shr    r8,0x20
    7f7cf7ee2053:	4d 33 c3             	xor    r8,r11
    7f7cf7ee2056:	49 bb 93 fd 59 66 b8 	movabs r11,0xd6e8feb86659fd93
    7f7cf7ee205d:	fe e8 d6 
    7f7cf7ee2060:	4d 0f af c3          	imul   r8,r11
    7f7cf7ee2064:	4d 8b c8             	mov    r9,r8
    7f7cf7ee2067:	49 c1 e9 20          	shr    r9,0x20
    7f7cf7ee206b:	4d 33 c8             	xor    r9,r8
    7f7cf7ee206e:	4d 0f af cb          	imul   r9,r11
    7f7cf7ee2072:	49 8b d9             	mov    rbx,r9
    7f7cf7ee2075:	48 c1 eb 20          	shr    rbx,0x20
    7f7cf7ee2079:	49 33 d9             	xor    rbx,r9
    7f7cf7ee207c:	85 ed                	test   ebp,ebp
    7f7cf7ee207e:	0f 85 3c 03 00 00    	jne    0x7f7cf7ee23c0
    7f7cf7ee2084:	47 8b 5c d4 38       	mov    r11d,DWORD PTR [r12+r10*8+0x38]
    7f7cf7ee2089:	44 89 5c 24 10       	mov    DWORD PTR [rsp+0x10],r11d
    7f7cf7ee208e:	47 8b 9c dc 94 00 00 	mov    r11d,DWORD PTR [r12+r11*8+0x94]
    7f7cf7ee2095:	00 
    7f7cf7ee2096:	47 8b 54 dc 60       	mov    r10d,DWORD PTR [r12+r11*8+0x60]
    7f7cf7ee209b:	43 8b 6c d4 0c       	mov    ebp,DWORD PTR [r12+r10*8+0xc]
    7f7cf7ee20a0:	83 fd 04             	cmp    ebp,0x4
    7f7cf7ee20a3:	0f 83 3f 02 00 00    	jae    0x7f7cf7ee22e8
    7f7cf7ee20a9:	49 ba 20 a9 59 87 06 	movabs r10,0x68759a920
    7f7cf7ee20b0:	00 00 00 
    7f7cf7ee20b3:	41 8b 6c aa 10       	mov    ebp,DWORD PTR [r10+rbp*4+0x10]
    7f7cf7ee20b8:	83 fd 01             	cmp    ebp,0x1
    7f7cf7ee20bb:	0f 85 33 03 00 00    	jne    0x7f7cf7ee23f4
    7f7cf7ee20c1:	4c 8b d3             	mov    r10,rbx
    7f7cf7ee20c4:	49 c1 ea 38          	shr    r10,0x38
    7f7cf7ee20c8:	45 8b da             	mov    r11d,r10d
    7f7cf7ee20cb:	41 83 fb 05          	cmp    r11d,0x5
    7f7cf7ee20cf:	0f 8c 1a 01 00 00    	jl     0x7f7cf7ee21ef
    7f7cf7ee20d5:	44 8b 44 24 10       	mov    r8d,DWORD PTR [rsp+0x10]
    7f7cf7ee20da:	4b 23 5c c4 18       	and    rbx,QWORD PTR [r12+r8*8+0x18]
    7f7cf7ee20df:	43 8b 8c c4 98 00 00 	mov    ecx,DWORD PTR [r12+r8*8+0x98]
    7f7cf7ee20e6:	00 
    7f7cf7ee20e7:	48 c1 e3 07          	shl    rbx,0x7
    7f7cf7ee20eb:	4c 8d 43 78          	lea    r8,[rbx+0x78]
    7f7cf7ee20ef:	45 8b 54 cc 08       	mov    r10d,DWORD PTR [r12+rcx*8+0x8]
    7f7cf7ee20f4:	41 81 fa 10 b7 01 01 	cmp    r10d,0x101b710
    7f7cf7ee20fb:	0f 85 0f 03 00 00    	jne    0x7f7cf7ee2410
    7f7cf7ee2101:	49 8d 3c cc          	lea    rdi,[r12+rcx*8]
    7f7cf7ee2105:	49 c7 c1 f9 ff ff ff 	mov    r9,0xfffffffffffffff9
    7f7cf7ee210c:	4c 03 4f 10          	add    r9,QWORD PTR [rdi+0x10]
    7f7cf7ee2110:	4d 85 c9             	test   r9,r9
    7f7cf7ee2113:	0f 8c 43 03 00 00    	jl     0x7f7cf7ee245c
    7f7cf7ee2119:	4d 3b c1             	cmp    r8,r9
    7f7cf7ee211c:	0f 83 e2 01 00 00    	jae    0x7f7cf7ee2304
    7f7cf7ee2122:	48 8b 57 20          	mov    rdx,QWORD PTR [rdi+0x20]
    7f7cf7ee2126:	44 8b 47 18          	mov    r8d,DWORD PTR [rdi+0x18]
    7f7cf7ee212a:	48 8d 34 13          	lea    rsi,[rbx+rdx*1]
    7f7cf7ee212e:	4c 8d 56 78          	lea    r10,[rsi+0x78]
    7f7cf7ee2132:	43 8b 6c c4 18       	mov    ebp,DWORD PTR [r12+r8*8+0x18]
    7f7cf7ee2137:	85 ed                	test   ebp,ebp
    7f7cf7ee2139:	0f 85 1d 04 00 00    	jne    0x7f7cf7ee255c
    7f7cf7ee213f:	43 8b 6c c4 0c       	mov    ebp,DWORD PTR [r12+r8*8+0xc]
    7f7cf7ee2144:	85 ed                	test   ebp,ebp
    7f7cf7ee2146:	0f 8c 54 04 00 00    	jl     0x7f7cf7ee25a0
    7f7cf7ee214c:	4c 8b d6             	mov    r10,rsi
    7f7cf7ee214f:	4d 8b 42 78          	mov    r8,QWORD PTR [r10+0x78]
    7f7cf7ee2153:	49 3b d9             	cmp    rbx,r9
    7f7cf7ee2156:	0f 83 08 02 00 00    	jae    0x7f7cf7ee2364
    7f7cf7ee215c:	4c 8d 14 13          	lea    r10,[rbx+rdx*1]
    7f7cf7ee2160:	4d 63 eb             	movsxd r13,r11d
    7f7cf7ee2163:	49 8b 0a             	mov    rcx,QWORD PTR [r10]
    7f7cf7ee2166:	48 bd ff fe fe fe fe 	movabs rbp,0xfefefefefefefeff
    7f7cf7ee216d:	fe fe fe 
    7f7cf7ee2170:	49 be 80 80 80 80 80 	movabs r14,0x80808080808080
    7f7cf7ee2177:	80 80 00 
    7f7cf7ee217a:	33 f6                	xor    esi,esi
    7f7cf7ee217c:	49 ba 01 01 01 01 01 	movabs r10,0x101010101010101
    7f7cf7ee2183:	01 01 01 
    7f7cf7ee2186:	4d 0f af ea          	imul   r13,r10
    7f7cf7ee218a:	4c 33 e9             	xor    r13,rcx
    7f7cf7ee218d:	4d 8b d5             	mov    r10,r13
    7f7cf7ee2190:	4c 03 d5             	add    r10,rbp
    7f7cf7ee2193:	c4 42 90 f2 ea       	andn   r13,r13,r10
    7f7cf7ee2198:	4d 23 ee             	and    r13,r14
    7f7cf7ee219b:	74 5b                	je     0x7f7cf7ee21f8
    7f7cf7ee219d:	f3 4d 0f bc d5       	tzcnt  r10,r13
    7f7cf7ee21a2:	41 83 e2 f8          	and    r10d,0xfffffff8
    7f7cf7ee21a6:	4d 63 c2             	movsxd r8,r10d
    7f7cf7ee21a9:	4e 8d 14 03          	lea    r10,[rbx+r8*1]
    7f7cf7ee21ad:	49 8d 6a 08          	lea    rbp,[r10+0x8]
    7f7cf7ee21b1:	49 3b e9             	cmp    rbp,r9
    7f7cf7ee21b4:	0f 83 02 03 00 00    	jae    0x7f7cf7ee24bc
    7f7cf7ee21ba:	4d 8d 04 12          	lea    r8,[r10+rdx*1]
    7f7cf7ee21be:	49 8b 50 08          	mov    rdx,QWORD PTR [r8+0x8]
    7f7cf7ee21c2:	48 3b d0             	cmp    rdx,rax
    7f7cf7ee21c5:	0f 85 c6 00 00 00    	jne    0x7f7cf7ee2291
    7f7cf7ee21cb:	49 83 c2 40          	add    r10,0x40
    7f7cf7ee21cf:	4d 3b d1             	cmp    r10,r9
    7f7cf7ee21d2:	0f 83 38 03 00 00    	jae    0x7f7cf7ee2510
    7f7cf7ee21d8:	49 8b 40 40          	mov    rax,QWORD PTR [r8+0x40]
    7f7cf7ee21dc:	48 81 c4 80 00 00 00 	add    rsp,0x80
    7f7cf7ee21e3:	5d                   	pop    rbp
    7f7cf7ee21e4:	49 3b 67 28          	cmp    rsp,QWORD PTR [r15+0x28]
    7f7cf7ee21e8:	0f 87 6e 05 00 00    	ja     0x7f7cf7ee275c
    7f7cf7ee21ee:	c3                   	ret
