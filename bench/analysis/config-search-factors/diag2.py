import sys, math, random, numpy as np, collections
sys.path.insert(0,__import__('os').path.join(__import__('os').path.dirname(__import__('os').path.abspath(__file__)),'..','config-search-regret'))
import mape as M
T=M.T; names=M.names
folds=M.folds_of('dataset')
# per workload, per k: MAPE of ref and attention (5 seeds), and error by config class
def cls(key):
    p=key.split('/'); return p[0]
rows=[]
agg=collections.defaultdict(lambda: collections.defaultdict(list))
for train,tests in folds:
    for w in tests:
        for k in (1,2,3):
            e={'ref':[], 'v0':[]}
            for seed in range(5):
                keysw=list(T[w]); rr=random.Random(seed*7919+k*104729+hash(w)%1000)
                sk=rr.sample(keysw,k); shots={q:T[w][q] for q in sk}
                for v in e:
                    errs=[]
                    for q in keysw:
                        if q in shots: continue
                        p=M.predict(train,shots,q,v)
                        err=abs(math.exp(p-T[w][q])-1); errs.append(err)
                        agg[(k,v)][(cls(q), 'same-prov' if any(cls(s)==cls(q) for s in shots) else 'other-prov')].append(err)
                        agg[(k,v)]['signed'].append(p-T[w][q])
                    e[v].append(np.mean(errs))
            rows.append((w,k,np.mean(e['ref']),np.mean(e['v0'])))
for k in (1,2,3):
    print('k=%d'%k)
    for w,kk,r,a in rows:
        if kk==k: print('  %-32s ref %.3f att %.3f  %s'%(w,r,a,'ATT LOSES' if a>r else ''))
for k in (1,2,3):
    for v in ('ref','v0'):
        d=agg[(k,v)]
        print(k,v,' '.join('%s:%.3f(n=%d)'%(c,np.mean(x),len(x)) for c,x in sorted(d.items(),key=str) if c!='signed'), 'bias %.3f'%np.mean(d['signed']))
