
code.bin:     file format binary


Disassembly of section .data:

00007f7403eccb80 <.data>:
    7f7403eccb80:	89 84 24 00 c0 fe ff 	mov    DWORD PTR [rsp-0x14000],eax
    7f7403eccb87:	55                   	push   rbp
    7f7403eccb88:	48 83 ec 30          	sub    rsp,0x30
    7f7403eccb8c:	41 81 7f 20 00 00 00 	cmp    DWORD PTR [r15+0x20],0x0
    7f7403eccb93:	00 
    7f7403eccb94:	0f 85 c8 02 00 00    	jne    0x7f7403ecce62
    7f7403eccb9a:	48 8b de             	mov    rbx,rsi
    7f7403eccb9d:	8b 4e 30             	mov    ecx,DWORD PTR [rsi+0x30]
    7f7403eccba0:	33 ff                	xor    edi,edi
    7f7403eccba2:	48 85 d2             	test   rdx,rdx
    7f7403eccba5:	0f 84 65 01 00 00    	je     0x7f7403eccd10
    7f7403eccbab:	44 8b 56 0c          	mov    r10d,DWORD PTR [rsi+0xc]
    7f7403eccbaf:	49 bb 15 7c 4a 7f b9 	movabs r11,0x9e3779b97f4a7c15
    7f7403eccbb6:	79 37 9e 
    7f7403eccbb9:	4c 8b c2             	mov    r8,rdx
    7f7403eccbbc:	4d 0f af c3          	imul   r8,r11
    7f7403eccbc0:	4d 8b d8             	mov    r11,r8
    7f7403eccbc3:	49 c1 eb 20          	shr    r11,0x20
    7f7403eccbc7:	4d 33 d8             	xor    r11,r8
    7f7403eccbca:	4d 8b c3             	mov    r8,r11
    7f7403eccbcd:	49 c1 e8 10          	shr    r8,0x10
    7f7403eccbd1:	4d 33 c3             	xor    r8,r11
    7f7403eccbd4:	45 8b c8             	mov    r9d,r8d
    7f7403eccbd7:	45 23 ca             	and    r9d,r10d
    7f7403eccbda:	41 8b 74 cc 0c       	mov    esi,DWORD PTR [r12+rcx*8+0xc]
    7f7403eccbdf:	44 3b ce             	cmp    r9d,esi
    7f7403eccbe2:	0f 83 e7 00 00 00    	jae    0x7f7403eccccf
    7f7403eccbe8:	49 8d 2c cc          	lea    rbp,[r12+rcx*8]
    7f7403eccbec:	4e 8b 44 cd 10       	mov    r8,QWORD PTR [rbp+r9*8+0x10]
    7f7403eccbf1:	4d 85 c0             	test   r8,r8
    7f7403eccbf4:	0f 84 3e 01 00 00    	je     0x7f7403eccd38
    7f7403eccbfa:	44 8b 5b 34          	mov    r11d,DWORD PTR [rbx+0x34]
    7f7403eccbfe:	49 3b d0             	cmp    rdx,r8
    7f7403eccc01:	0f 84 a5 00 00 00    	je     0x7f7403ecccac
    7f7403eccc07:	41 ff c1             	inc    r9d
    7f7403eccc0a:	45 23 ca             	and    r9d,r10d
    7f7403eccc0d:	44 3b ce             	cmp    r9d,esi
    7f7403eccc10:	0f 83 6e 01 00 00    	jae    0x7f7403eccd84
    7f7403eccc16:	4a 8b 44 cd 10       	mov    rax,QWORD PTR [rbp+r9*8+0x10]
    7f7403eccc1b:	48 85 c0             	test   rax,rax
    7f7403eccc1e:	0f 84 a0 01 00 00    	je     0x7f7403eccdc4
    7f7403eccc24:	66 0f 1f 44 00 00    	nop    WORD PTR [rax+rax*1+0x0]
    7f7403eccc2a:	66 0f 1f 44 00 00    	nop    WORD PTR [rax+rax*1+0x0]
    7f7403eccc30:	4d 8b 6f 30          	mov    r13,QWORD PTR [r15+0x30]
    7f7403eccc34:	48 3b d0             	cmp    rdx,rax
    7f7403eccc37:	41 b8 ff ff ff ff    	mov    r8d,0xffffffff
    7f7403eccc3d:	7c 08                	jl     0x7f7403eccc47
    7f7403eccc3f:	41 0f 95 c0          	setne  r8b
    7f7403eccc43:	45 0f b6 c0          	movzx  r8d,r8b
    7f7403eccc47:	41 85 45 00          	test   DWORD PTR [r13+0x0],eax
    7f7403eccc4b:	48 3b d0             	cmp    rdx,rax
    7f7403eccc4e:	75 19                	jne    0x7f7403eccc69
    7f7403eccc50:	47 8b 54 dc 0c       	mov    r10d,DWORD PTR [r12+r11*8+0xc]
    7f7403eccc55:	45 3b ca             	cmp    r9d,r10d
    7f7403eccc58:	0f 83 4a 01 00 00    	jae    0x7f7403eccda8
    7f7403eccc5e:	4f 8d 14 dc          	lea    r10,[r12+r11*8]
    7f7403eccc62:	4b 8b 44 ca 10       	mov    rax,QWORD PTR [r10+r9*8+0x10]
    7f7403eccc67:	eb 56                	jmp    0x7f7403ecccbf
    7f7403eccc69:	41 ff c1             	inc    r9d
    7f7403eccc6c:	45 23 ca             	and    r9d,r10d
    7f7403eccc6f:	44 3b ce             	cmp    r9d,esi
    7f7403eccc72:	0f 83 e8 00 00 00    	jae    0x7f7403eccd60
    7f7403eccc78:	4a 8b 44 cd 10       	mov    rax,QWORD PTR [rbp+r9*8+0x10]
    7f7403eccc7d:	48 85 c0             	test   rax,rax
    7f7403eccc80:	75 ae                	jne    0x7f7403eccc30
    7f7403eccc82:	48 3b c7             	cmp    rax,rdi
    7f7403eccc85:	bd ff ff ff ff       	mov    ebp,0xffffffff
    7f7403eccc8a:	7c 08                	jl     0x7f7403eccc94
    7f7403eccc8c:	40 0f 95 c5          	setne  bpl
    7f7403eccc90:	40 0f b6 ed          	movzx  ebp,bpl
    7f7403eccc94:	be 45 ff ff ff       	mov    esi,0xffffff45
    7f7403eccc99:	48 89 1c 24          	mov    QWORD PTR [rsp],rbx
    7f7403eccc9d:	66 90                	xchg   ax,ax
    7f7403eccc9f:	e8 bc 64 ae ff       	call   0x7f74039b3160
    7f7403eccca4:	0f 1f 84 00 1c 02 00 	nop    DWORD PTR [rax+rax*1+0x100021c]
    7f7403ecccab:	01 
    7f7403ecccac:	47 8b 44 dc 0c       	mov    r8d,DWORD PTR [r12+r11*8+0xc]
    7f7403ecccb1:	45 3b c8             	cmp    r9d,r8d
    7f7403ecccb4:	73 3e                	jae    0x7f7403ecccf4
    7f7403ecccb6:	4f 8d 14 dc          	lea    r10,[r12+r11*8]
    7f7403ecccba:	4b 8b 44 ca 10       	mov    rax,QWORD PTR [r10+r9*8+0x10]
    7f7403ecccbf:	48 83 c4 30          	add    rsp,0x30
    7f7403ecccc3:	5d                   	pop    rbp
    7f7403ecccc4:	49 3b 67 28          	cmp    rsp,QWORD PTR [r15+0x28]
    7f7403ecccc8:	0f 87 7e 01 00 00    	ja     0x7f7403ecce4c
    7f7403ecccce:	c3                   	ret
