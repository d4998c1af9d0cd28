import re,sys,subprocess
text=open(sys.argv[1]).read()
start=text.index(sys.argv[2]) if len(sys.argv)>2 else 0
sec=text[start:]
sec=sec[sec.index('[MachCode]'):sec.index('[/MachCode]')]
data=bytearray(); base=None
for line in sec.split('\n'):
    m=re.match(r'\s*0x([0-9a-f]+): ([0-9a-f| ]+)$', line)
    if m and '|' in line or (m and re.fullmatch(r'[0-9a-f ]+', m.group(2).strip() or 'x')):
        addr=int(m.group(1),16)
        hexs=m.group(2).replace('|','').replace(' ','')
        if not hexs: continue
        if base is None: base=addr
        if addr-base != len(data):
            if addr-base > len(data): data += b'\x90'*(addr-base-len(data))
            else: continue
        data += bytes.fromhex(hexs)
open('code.bin','wb').write(data)
out=subprocess.run(['objdump','-D','-b','binary','-mi386:x86-64','-Mintel','--adjust-vma=%#x'%base,'code.bin'],capture_output=True,text=True).stdout
print(out)
