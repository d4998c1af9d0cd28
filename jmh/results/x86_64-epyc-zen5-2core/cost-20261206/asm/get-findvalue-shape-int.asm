
code.bin:     file format binary


Disassembly of section .data:

00007f3b33ee0900 <.data>:
    7f3b33ee0900:	89 84 24 00 c0 fe ff 	mov    DWORD PTR [rsp-0x14000],eax
    7f3b33ee0907:	55                   	push   rbp
    7f3b33ee0908:	48 81 ec 80 00 00 00 	sub    rsp,0x80
    7f3b33ee090f:	90                   	nop
    7f3b33ee0910:	41 81 7f 20 00 00 00 	cmp    DWORD PTR [r15+0x20],0x0
    7f3b33ee0917:	00 
    7f3b33ee0918:	0f 85 e4 06 00 00    	jne    0x7f3b33ee1002
    7f3b33ee091e:	48 8b c2             	mov    rax,rdx
    7f3b33ee0921:	48 89 74 24 28       	mov    QWORD PTR [rsp+0x28],rsi
    7f3b33ee0926:	44 8b 56 20          	mov    r10d,DWORD PTR [rsi+0x20]
    7f3b33ee092a:	4c 8b 5e 30          	mov    r11,QWORD PTR [rsi+0x30]
    7f3b33ee092e:	4c 89 5c 24 20       	mov    QWORD PTR [rsp+0x20],r11
    7f3b33ee0933:	43 8b 6c d4 0c       	mov    ebp,DWORD PTR [r12+r10*8+0xc]
    7f3b33ee0938:	85 ed                	test   ebp,ebp
    7f3b33ee093a:	0f 85 c0 04 00 00    	jne    0x7f3b33ee0e00
    7f3b33ee0940:	43 8b 6c d4 3c       	mov    ebp,DWORD PTR [r12+r10*8+0x3c]
    7f3b33ee0945:	4c 8b 5e 28          	mov    r11,QWORD PTR [rsi+0x28]
    7f3b33ee0949:	4c 33 da             	xor    r11,rdx
    7f3b33ee094c:	4d 8b c3             	mov    r8,r11
    7f3b33ee094f:	49 c1 e8 20          	shr    r8,0x20
    7f3b33ee0953:	4d 33 c3             	xor    r8,r11
    7f3b33ee0956:	49 bb 93 fd 59 66 b8 	movabs r11,0xd6e8feb86659fd93
    7f3b33ee095d:	fe e8 d6 
    7f3b33ee0960:	4d 0f af c3          	imul   r8,r11
    7f3b33ee0964:	4d 8b c8             	mov    r9,r8
    7f3b33ee0967:	49 c1 e9 20          	shr    r9,0x20
    7f3b33ee096b:	4d 33 c8             	xor    r9,r8
    7f3b33ee096e:	4d 0f af cb          	imul   r9,r11
    7f3b33ee0972:	49 8b d9             	mov    rbx,r9
    7f3b33ee0975:	48 c1 eb 20          	shr    rbx,0x20
    7f3b33ee0979:	49 33 d9             	xor    rbx,r9
    7f3b33ee097c:	85 ed                	test   ebp,ebp
    7f3b33ee097e:	0f 85 50 03 00 00    	jne    0x7f3b33ee0cd4
    7f3b33ee0984:	47 8b 5c d4 38       	mov    r11d,DWORD PTR [r12+r10*8+0x38]
    7f3b33ee0989:	44 89 5c 24 10       	mov    DWORD PTR [rsp+0x10],r11d
    7f3b33ee098e:	43 8b ac dc 90 00 00 	mov    ebp,DWORD PTR [r12+r11*8+0x90]
    7f3b33ee0995:	00 
    7f3b33ee0996:	85 ed                	test   ebp,ebp
    7f3b33ee0998:	0f 85 6a 03 00 00    	jne    0x7f3b33ee0d08
    7f3b33ee099e:	4c 8b d3             	mov    r10,rbx
    7f3b33ee09a1:	49 c1 ea 38          	shr    r10,0x38
    7f3b33ee09a5:	45 8b da             	mov    r11d,r10d
    7f3b33ee09a8:	41 83 fb 05          	cmp    r11d,0x5
    7f3b33ee09ac:	0f 8c 1a 01 00 00    	jl     0x7f3b33ee0acc
    7f3b33ee09b2:	44 8b 44 24 10       	mov    r8d,DWORD PTR [rsp+0x10]
    7f3b33ee09b7:	4b 23 5c c4 18       	and    rbx,QWORD PTR [r12+r8*8+0x18]
    7f3b33ee09bc:	43 8b 8c c4 9c 00 00 	mov    ecx,DWORD PTR [r12+r8*8+0x9c]
    7f3b33ee09c3:	00 
    7f3b33ee09c4:	48 c1 e3 07          	shl    rbx,0x7
    7f3b33ee09c8:	4c 8d 43 78          	lea    r8,[rbx+0x78]
    7f3b33ee09cc:	45 8b 54 cc 08       	mov    r10d,DWORD PTR [r12+rcx*8+0x8]
    7f3b33ee09d1:	41 81 fa 10 b7 01 01 	cmp    r10d,0x101b710
    7f3b33ee09d8:	0f 85 46 03 00 00    	jne    0x7f3b33ee0d24
    7f3b33ee09de:	49 8d 3c cc          	lea    rdi,[r12+rcx*8]
    7f3b33ee09e2:	49 c7 c1 f9 ff ff ff 	mov    r9,0xfffffffffffffff9
    7f3b33ee09e9:	4c 03 4f 10          	add    r9,QWORD PTR [rdi+0x10]
    7f3b33ee09ed:	4d 85 c9             	test   r9,r9
    7f3b33ee09f0:	0f 8c 7a 03 00 00    	jl     0x7f3b33ee0d70
    7f3b33ee09f6:	4d 3b c1             	cmp    r8,r9
    7f3b33ee09f9:	0f 83 c5 01 00 00    	jae    0x7f3b33ee0bc4
    7f3b33ee09ff:	44 8b 47 18          	mov    r8d,DWORD PTR [rdi+0x18]
    7f3b33ee0a03:	48 8b 57 20          	mov    rdx,QWORD PTR [rdi+0x20]
    7f3b33ee0a07:	48 8d 34 13          	lea    rsi,[rbx+rdx*1]
    7f3b33ee0a0b:	4c 8d 56 78          	lea    r10,[rsi+0x78]
    7f3b33ee0a0f:	43 8b 6c c4 18       	mov    ebp,DWORD PTR [r12+r8*8+0x18]
    7f3b33ee0a14:	85 ed                	test   ebp,ebp
    7f3b33ee0a16:	0f 85 00 04 00 00    	jne    0x7f3b33ee0e1c
    7f3b33ee0a1c:	43 8b 6c c4 0c       	mov    ebp,DWORD PTR [r12+r8*8+0xc]
    7f3b33ee0a21:	85 ed                	test   ebp,ebp
    7f3b33ee0a23:	0f 8c 37 04 00 00    	jl     0x7f3b33ee0e60
    7f3b33ee0a29:	4c 8b d6             	mov    r10,rsi
    7f3b33ee0a2c:	4d 8b 42 78          	mov    r8,QWORD PTR [r10+0x78]
    7f3b33ee0a30:	49 3b d9             	cmp    rbx,r9
    7f3b33ee0a33:	0f 83 eb 01 00 00    	jae    0x7f3b33ee0c24
    7f3b33ee0a39:	4c 8d 14 13          	lea    r10,[rbx+rdx*1]
    7f3b33ee0a3d:	4d 63 eb             	movsxd r13,r11d
    7f3b33ee0a40:	49 8b 0a             	mov    rcx,QWORD PTR [r10]
    7f3b33ee0a43:	48 bd ff fe fe fe fe 	movabs rbp,0xfefefefefefefeff
    7f3b33ee0a4a:	fe fe fe 
    7f3b33ee0a4d:	49 be 80 80 80 80 80 	movabs r14,0x80808080808080
    7f3b33ee0a54:	80 80 00 
    7f3b33ee0a57:	33 f6                	xor    esi,esi
    7f3b33ee0a59:	49 ba 01 01 01 01 01 	movabs r10,0x101010101010101
    7f3b33ee0a60:	01 01 01 
    7f3b33ee0a63:	4d 0f af ea          	imul   r13,r10
    7f3b33ee0a67:	4c 33 e9             	xor    r13,rcx
    7f3b33ee0a6a:	4d 8b d5             	mov    r10,r13
    7f3b33ee0a6d:	4c 03 d5             	add    r10,rbp
    7f3b33ee0a70:	c4 42 90 f2 ea       	andn   r13,r13,r10
    7f3b33ee0a75:	4d 23 ee             	and    r13,r14
    7f3b33ee0a78:	74 5b                	je     0x7f3b33ee0ad5
    7f3b33ee0a7a:	f3 4d 0f bc d5       	tzcnt  r10,r13
    7f3b33ee0a7f:	41 83 e2 f8          	and    r10d,0xfffffff8
    7f3b33ee0a83:	4d 63 c2             	movsxd r8,r10d
    7f3b33ee0a86:	4e 8d 14 03          	lea    r10,[rbx+r8*1]
    7f3b33ee0a8a:	49 8d 6a 08          	lea    rbp,[r10+0x8]
    7f3b33ee0a8e:	49 3b e9             	cmp    rbp,r9
    7f3b33ee0a91:	0f 83 e9 01 00 00    	jae    0x7f3b33ee0c80
    7f3b33ee0a97:	4d 8d 04 12          	lea    r8,[r10+rdx*1]
    7f3b33ee0a9b:	49 8b 50 08          	mov    rdx,QWORD PTR [r8+0x8]
    7f3b33ee0a9f:	48 3b d0             	cmp    rdx,rax
    7f3b33ee0aa2:	0f 85 c5 00 00 00    	jne    0x7f3b33ee0b6d
    7f3b33ee0aa8:	49 83 c2 40          	add    r10,0x40
    7f3b33ee0aac:	4d 3b d1             	cmp    r10,r9
    7f3b33ee0aaf:	0f 83 1b 03 00 00    	jae    0x7f3b33ee0dd0
    7f3b33ee0ab5:	49 8b 40 40          	mov    rax,QWORD PTR [r8+0x40]
    7f3b33ee0ab9:	48 81 c4 80 00 00 00 	add    rsp,0x80
    7f3b33ee0ac0:	5d                   	pop    rbp
    7f3b33ee0ac1:	49 3b 67 28          	cmp    rsp,QWORD PTR [r15+0x28]
    7f3b33ee0ac5:	0f 87 21 05 00 00    	ja     0x7f3b33ee0fec
    7f3b33ee0acb:	c3                   	ret
