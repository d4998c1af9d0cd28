
code.bin:     file format binary


Disassembly of section .data:

00007ff7b3ee3500 <.data>:
    7ff7b3ee3500:	89 84 24 00 c0 fe ff 	mov    DWORD PTR [rsp-0x14000],eax
    7ff7b3ee3507:	55                   	push   rbp
    7ff7b3ee3508:	48 81 ec 80 00 00 00 	sub    rsp,0x80
    7ff7b3ee350f:	90                   	nop
    7ff7b3ee3510:	41 81 7f 20 00 00 00 	cmp    DWORD PTR [r15+0x20],0x0
    7ff7b3ee3517:	00 
    7ff7b3ee3518:	0f 85 5c 09 00 00    	jne    0x7ff7b3ee3e7a
    7ff7b3ee351e:	48 89 54 24 08       	mov    QWORD PTR [rsp+0x8],rdx
    7ff7b3ee3523:	c4 e1 f9 6e c6       	vmovq  xmm0,rsi
    7ff7b3ee3528:	44 8b 46 20          	mov    r8d,DWORD PTR [rsi+0x20]
    7ff7b3ee352c:	48 8b 4e 30          	mov    rcx,QWORD PTR [rsi+0x30]
    7ff7b3ee3530:	43 8b 6c c4 0c       	mov    ebp,DWORD PTR [r12+r8*8+0xc]
    7ff7b3ee3535:	85 ed                	test   ebp,ebp
    7ff7b3ee3537:	0f 85 5b 06 00 00    	jne    0x7ff7b3ee3b98
    7ff7b3ee353d:	43 8b 6c c4 3c       	mov    ebp,DWORD PTR [r12+r8*8+0x3c]
    7ff7b3ee3542:	4c 8b 56 28          	mov    r10,QWORD PTR [rsi+0x28]
    7ff7b3ee3546:	4c 33 d2             	xor    r10,rdx
    7ff7b3ee3549:	4d 8b da             	mov    r11,r10
    7ff7b3ee354c:	49 c1 eb 20          	shr    r11,0x20
    7ff7b3ee3550:	4d 33 da             	xor    r11,r10
    7ff7b3ee3553:	49 ba 93 fd 59 66 b8 	movabs r10,0xd6e8feb86659fd93
    7ff7b3ee355a:	fe e8 d6 
    7ff7b3ee355d:	4d 0f af da          	imul   r11,r10
    7ff7b3ee3561:	4d 8b cb             	mov    r9,r11
    7ff7b3ee3564:	49 c1 e9 20          	shr    r9,0x20
    7ff7b3ee3568:	4d 33 cb             	xor    r9,r11
    7ff7b3ee356b:	4d 0f af ca          	imul   r9,r10
    7ff7b3ee356f:	4d 8b d1             	mov    r10,r9
    7ff7b3ee3572:	49 c1 ea 20          	shr    r10,0x20
    7ff7b3ee3576:	4d 33 d1             	xor    r10,r9
    7ff7b3ee3579:	85 ed                	test   ebp,ebp
    7ff7b3ee357b:	0f 85 73 04 00 00    	jne    0x7ff7b3ee39f4
    7ff7b3ee3581:	47 8b 44 c4 38       	mov    r8d,DWORD PTR [r12+r8*8+0x38]
    7ff7b3ee3586:	47 8b 8c c4 94 00 00 	mov    r9d,DWORD PTR [r12+r8*8+0x94]
    7ff7b3ee358d:	00 
    7ff7b3ee358e:	47 8b 5c cc 60       	mov    r11d,DWORD PTR [r12+r9*8+0x60]
    7ff7b3ee3593:	43 8b 6c dc 0c       	mov    ebp,DWORD PTR [r12+r11*8+0xc]
    7ff7b3ee3598:	83 fd 04             	cmp    ebp,0x4
    7ff7b3ee359b:	0f 83 27 03 00 00    	jae    0x7ff7b3ee38c8
    7ff7b3ee35a1:	49 bb f8 a1 59 87 06 	movabs r11,0x68759a1f8
    7ff7b3ee35a8:	00 00 00 
    7ff7b3ee35ab:	41 8b 6c ab 10       	mov    ebp,DWORD PTR [r11+rbp*4+0x10]
    7ff7b3ee35b0:	83 fd 01             	cmp    ebp,0x1
    7ff7b3ee35b3:	0f 85 63 04 00 00    	jne    0x7ff7b3ee3a1c
    7ff7b3ee35b9:	4d 8b da             	mov    r11,r10
    7ff7b3ee35bc:	49 c1 eb 38          	shr    r11,0x38
    7ff7b3ee35c0:	45 8b db             	mov    r11d,r11d
    7ff7b3ee35c3:	41 83 fb 05          	cmp    r11d,0x5
    7ff7b3ee35c7:	0f 8c 43 02 00 00    	jl     0x7ff7b3ee3810
    7ff7b3ee35cd:	4f 23 54 c4 18       	and    r10,QWORD PTR [r12+r8*8+0x18]
    7ff7b3ee35d2:	47 8b 8c c4 98 00 00 	mov    r9d,DWORD PTR [r12+r8*8+0x98]
    7ff7b3ee35d9:	00 
    7ff7b3ee35da:	49 c1 e2 07          	shl    r10,0x7
    7ff7b3ee35de:	49 8d 52 78          	lea    rdx,[r10+0x78]
    7ff7b3ee35e2:	43 8b 5c cc 08       	mov    ebx,DWORD PTR [r12+r9*8+0x8]
    7ff7b3ee35e7:	81 fb 10 b7 01 01    	cmp    ebx,0x101b710
    7ff7b3ee35ed:	0f 85 51 04 00 00    	jne    0x7ff7b3ee3a44
    7ff7b3ee35f3:	4b 8d 3c cc          	lea    rdi,[r12+r9*8]
    7ff7b3ee35f7:	48 c7 c3 f9 ff ff ff 	mov    rbx,0xfffffffffffffff9
    7ff7b3ee35fe:	48 03 5f 10          	add    rbx,QWORD PTR [rdi+0x10]
    7ff7b3ee3602:	48 85 db             	test   rbx,rbx
    7ff7b3ee3605:	0f 8c 79 04 00 00    	jl     0x7ff7b3ee3a84
    7ff7b3ee360b:	48 3b d3             	cmp    rdx,rbx
    7ff7b3ee360e:	0f 83 dc 02 00 00    	jae    0x7ff7b3ee38f0
    7ff7b3ee3614:	4c 8b 6f 20          	mov    r13,QWORD PTR [rdi+0x20]
    7ff7b3ee3618:	8b 57 18             	mov    edx,DWORD PTR [rdi+0x18]
    7ff7b3ee361b:	4b 8d 34 2a          	lea    rsi,[r10+r13*1]
    7ff7b3ee361f:	48 8d 46 78          	lea    rax,[rsi+0x78]
    7ff7b3ee3623:	41 8b 6c d4 18       	mov    ebp,DWORD PTR [r12+rdx*8+0x18]
    7ff7b3ee3628:	85 ed                	test   ebp,ebp
    7ff7b3ee362a:	0f 85 8c 05 00 00    	jne    0x7ff7b3ee3bbc
    7ff7b3ee3630:	41 8b 6c d4 0c       	mov    ebp,DWORD PTR [r12+rdx*8+0xc]
    7ff7b3ee3635:	85 ed                	test   ebp,ebp
    7ff7b3ee3637:	0f 8c bb 05 00 00    	jl     0x7ff7b3ee3bf8
    7ff7b3ee363d:	4c 8b ce             	mov    r9,rsi
    7ff7b3ee3640:	4d 8b 49 78          	mov    r9,QWORD PTR [r9+0x78]
    7ff7b3ee3644:	4c 3b d3             	cmp    r10,rbx
    7ff7b3ee3647:	0f 83 f7 02 00 00    	jae    0x7ff7b3ee3944
    7ff7b3ee364d:	4b 8d 14 2a          	lea    rdx,[r10+r13*1]
    7ff7b3ee3651:	4f 8d 34 c4          	lea    r14,[r12+r8*8]
    7ff7b3ee3655:	48 8b 12             	mov    rdx,QWORD PTR [rdx]
    7ff7b3ee3658:	49 63 c3             	movsxd rax,r11d
    7ff7b3ee365b:	48 bd ff fe fe fe fe 	movabs rbp,0xfefefefefefefeff
    7ff7b3ee3662:	fe fe fe 
    7ff7b3ee3665:	48 be 01 01 01 01 01 	movabs rsi,0x101010101010101
    7ff7b3ee366c:	01 01 01 
    7ff7b3ee366f:	48 0f af c6          	imul   rax,rsi
    7ff7b3ee3673:	48 33 c2             	xor    rax,rdx
    7ff7b3ee3676:	48 8d 34 28          	lea    rsi,[rax+rbp*1]
    7ff7b3ee367a:	c4 e2 f8 f2 c6       	andn   rax,rax,rsi
    7ff7b3ee367f:	48 be 80 80 80 80 80 	movabs rsi,0x80808080808080
    7ff7b3ee3686:	80 80 00 
    7ff7b3ee3689:	48 23 c6             	and    rax,rsi
    7ff7b3ee368c:	0f 84 10 01 00 00    	je     0x7ff7b3ee37a2
    7ff7b3ee3692:	f3 48 0f bc f0       	tzcnt  rsi,rax
    7ff7b3ee3697:	44 8b ce             	mov    r9d,esi
    7ff7b3ee369a:	41 83 e1 f8          	and    r9d,0xfffffff8
    7ff7b3ee369e:	4d 63 c9             	movsxd r9,r9d
    7ff7b3ee36a1:	4d 03 ca             	add    r9,r10
    7ff7b3ee36a4:	49 8d 69 08          	lea    rbp,[r9+0x8]
    7ff7b3ee36a8:	48 3b eb             	cmp    rbp,rbx
    7ff7b3ee36ab:	0f 83 a3 04 00 00    	jae    0x7ff7b3ee3b54
    7ff7b3ee36b1:	4d 03 cd             	add    r9,r13
    7ff7b3ee36b4:	4d 8b 49 08          	mov    r9,QWORD PTR [r9+0x8]
    7ff7b3ee36b8:	4c 3b 4c 24 08       	cmp    r9,QWORD PTR [rsp+0x8]
    7ff7b3ee36bd:	0f 85 56 01 00 00    	jne    0x7ff7b3ee3819
    7ff7b3ee36c3:	c1 ee 03             	shr    esi,0x3
    7ff7b3ee36c6:	4c 63 de             	movsxd r11,esi
    7ff7b3ee36c9:	4d 0b da             	or     r11,r10
    7ff7b3ee36cc:	49 83 fb ff          	cmp    r11,0xffffffffffffffff
    7ff7b3ee36d0:	0f 84 ad 05 00 00    	je     0x7ff7b3ee3c83
    7ff7b3ee36d6:	47 8b 94 c4 94 00 00 	mov    r10d,DWORD PTR [r12+r8*8+0x94]
    7ff7b3ee36dd:	00 
    7ff7b3ee36de:	47 8b 4c d4 60       	mov    r9d,DWORD PTR [r12+r10*8+0x60]
    7ff7b3ee36e3:	47 8b 4c cc 0c       	mov    r9d,DWORD PTR [r12+r9*8+0xc]
    7ff7b3ee36e8:	43 8b 8c c4 98 00 00 	mov    ecx,DWORD PTR [r12+r8*8+0x98]
    7ff7b3ee36ef:	00 
    7ff7b3ee36f0:	41 8b db             	mov    ebx,r11d
    7ff7b3ee36f3:	41 ba 04 00 00 00    	mov    r10d,0x4
    7ff7b3ee36f9:	c4 e2 a8 f5 db       	bzhi   rbx,rbx,r10
    7ff7b3ee36fe:	48 c1 e3 03          	shl    rbx,0x3
    7ff7b3ee3702:	41 83 f9 04          	cmp    r9d,0x4
    7ff7b3ee3706:	0f 83 88 02 00 00    	jae    0x7ff7b3ee3994
    7ff7b3ee370c:	49 ba f8 0e 5e 87 06 	movabs r10,0x6875e0ef8
    7ff7b3ee3713:	00 00 00 
    7ff7b3ee3716:	43 8b 6c 8a 10       	mov    ebp,DWORD PTR [r10+r9*4+0x10]
    7ff7b3ee371b:	83 fd 01             	cmp    ebp,0x1
    7ff7b3ee371e:	0f 85 b4 03 00 00    	jne    0x7ff7b3ee3ad8
    7ff7b3ee3724:	49 83 e3 f0          	and    r11,0xfffffffffffffff0
    7ff7b3ee3728:	4c 03 db             	add    r11,rbx
    7ff7b3ee372b:	4d 8d 53 40          	lea    r10,[r11+0x40]
    7ff7b3ee372f:	45 8b 44 cc 08       	mov    r8d,DWORD PTR [r12+rcx*8+0x8]
    7ff7b3ee3734:	41 81 f8 10 b7 01 01 	cmp    r8d,0x101b710
    7ff7b3ee373b:	0f 85 c3 03 00 00    	jne    0x7ff7b3ee3b04
    7ff7b3ee3741:	4d 8d 0c cc          	lea    r9,[r12+rcx*8]
    7ff7b3ee3745:	49 c7 c0 f9 ff ff ff 	mov    r8,0xfffffffffffffff9
    7ff7b3ee374c:	4d 03 41 10          	add    r8,QWORD PTR [r9+0x10]
    7ff7b3ee3750:	4d 85 c0             	test   r8,r8
    7ff7b3ee3753:	0f 8c cb 03 00 00    	jl     0x7ff7b3ee3b24
    7ff7b3ee3759:	4d 3b d0             	cmp    r10,r8
    7ff7b3ee375c:	0f 83 62 02 00 00    	jae    0x7ff7b3ee39c4
    7ff7b3ee3762:	4d 03 59 20          	add    r11,QWORD PTR [r9+0x20]
    7ff7b3ee3766:	45 8b 49 18          	mov    r9d,DWORD PTR [r9+0x18]
    7ff7b3ee376a:	4d 8d 53 40          	lea    r10,[r11+0x40]
    7ff7b3ee376e:	43 8b 6c cc 18       	mov    ebp,DWORD PTR [r12+r9*8+0x18]
    7ff7b3ee3773:	85 ed                	test   ebp,ebp
    7ff7b3ee3775:	0f 85 b9 04 00 00    	jne    0x7ff7b3ee3c34
    7ff7b3ee377b:	43 8b 6c cc 0c       	mov    ebp,DWORD PTR [r12+r9*8+0xc]
    7ff7b3ee3780:	85 ed                	test   ebp,ebp
    7ff7b3ee3782:	0f 8c d0 04 00 00    	jl     0x7ff7b3ee3c58
    7ff7b3ee3788:	4d 8b d3             	mov    r10,r11
    7ff7b3ee378b:	49 8b 42 40          	mov    rax,QWORD PTR [r10+0x40]
    7ff7b3ee378f:	48 81 c4 80 00 00 00 	add    rsp,0x80
    7ff7b3ee3796:	5d                   	pop    rbp
    7ff7b3ee3797:	49 3b 67 28          	cmp    rsp,QWORD PTR [r15+0x28]
    7ff7b3ee379b:	0f 87 c3 06 00 00    	ja     0x7ff7b3ee3e64
    7ff7b3ee37a1:	c3                   	ret
